package app.smishgate.gateway

import app.smishgate.core.SmishGate
import java.io.File
import java.nio.file.Files

/** Real gates on temporary databases, through the generated bindings and the host library. */
class Gates : AutoCloseable {
    private val dirs = mutableListOf<File>()
    private val gates = mutableListOf<SmishGate>()

    fun open(): SmishGate {
        val d = Files.createTempDirectory("smishgate-gw").toFile()
        dirs += d
        return SmishGate(File(d, "db").path).also { gates += it }
    }

    override fun close() {
        gates.forEach { it.close() }
        dirs.forEach { it.deleteRecursively() }
    }
}
