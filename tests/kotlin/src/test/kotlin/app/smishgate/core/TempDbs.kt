package app.smishgate.core

import java.io.File
import java.nio.file.Files

/** Database paths in temporary directories for one test class, each deleted by [close]. */
class TempDbs : AutoCloseable {
    private val dirs = mutableListOf<File>()

    /** A new database path, in a directory of its own. */
    fun path(): String {
        val d = Files.createTempDirectory("smishgate-kt").toFile()
        dirs += d
        return File(d, "db").path
    }

    override fun close() {
        dirs.forEach { it.deleteRecursively() }
        dirs.clear()
    }
}
