package app.smishgate.core

import org.json.JSONObject
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.Test
import java.io.File
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/**
 * The Kotlin side of the FFI figures (scripts/bench-kotlin.sh runs it with
 * -Dsmishgate.bench=true; the test command skips it): the calls examples/ffi_bench.rs makes in
 * Rust, through the bindings, and the cold start of a fresh JVM that opens the database and
 * returns its first verdict (what an SMS broadcast receiver pays when the app is not running).
 */
class BenchTest {
    private fun messages(): List<Sms> {
        val dir = File(System.getProperty("smishgate.fixtures"))
        return listOf("en.jsonl", "ja.jsonl").flatMap { f ->
            File(dir, f).readLines().filter { it.isNotBlank() }.map {
                val o = JSONObject(it)
                Sms(o.getString("sender"), o.getString("body"), null)
            }
        }
    }

    @Test
    fun figures() {
        assumeTrue(System.getProperty("smishgate.bench") == "true", "set -Dsmishgate.bench=true")
        val dir = Files.createTempDirectory("smishgate-bench").toFile()
        try {
            SmishGate(File(dir, "db").path).use { g ->
                val clean = Sms("+819012345678", "明日の打ち合わせは10時からでお願いします。", 1_790_000_000_000L)
                repeat(20_000) { g.ingest(clean) }
                val n = 10_000
                var t = System.nanoTime()
                repeat(n) { g.ingest(clean) }
                val per = (System.nanoTime() - t) / 1e3 / n
                repeat(5_000) { g.exportRegistry().length }
                t = System.nanoTime()
                repeat(n) { g.quarantineGet("1") }
                println("kotlin: quarantineGet of a missing id (a tiny call), $n calls: ${"%.2f".format((System.nanoTime() - t) / 1e3 / n)} µs/call")
                t = System.nanoTime()
                repeat(n) { g.classify(clean) }
                println("kotlin: classify, $n calls: ${"%.2f".format((System.nanoTime() - t) / 1e3 / n)} µs/call")
                println("kotlin: ingest (a delivered message, nothing stored), $n calls: ${"%.2f".format(per)} µs/call")

                val all = messages()
                val batch = List(1000) { all[it % all.size] }
                repeat(3) { g.classifyBatch(batch) }
                val rounds = 20
                t = System.nanoTime()
                repeat(rounds) { g.classifyBatch(batch) }
                val rate = rounds * batch.size / ((System.nanoTime() - t) / 1e9)
                println("kotlin: classifyBatch of 1,000 fixture messages: ${"%.0f".format(rate)} msg/s")
            }
            // Cold start: a new JVM each time, as a receiver woken by an SMS.
            val java = File(System.getProperty("java.home"), "bin/java").path
            val cp = System.getProperty("java.class.path")
            val lib = System.getProperty("jna.library.path")
            val times = (0 until 10).map { i ->
                val db = File(dir, "cold$i").path
                val start = System.nanoTime()
                val p = ProcessBuilder(java, "-Djna.library.path=$lib", "-cp", cp, "app.smishgate.core.ColdStartKt", db)
                    .redirectErrorStream(true).start()
                val out = p.inputStream.bufferedReader().readText()
                p.waitFor(60, TimeUnit.SECONDS)
                val ms = (System.nanoTime() - start) / 1e6
                check(p.exitValue() == 0 && out.contains("QUARANTINE")) { "cold start failed: $out" }
                ms
            }.sorted()
            println("kotlin: cold start (new JVM, open a new database, first verdict), median of 10: ${"%.0f".format((times[4] + times[5]) / 2)} ms (min ${"%.0f".format(times.first())}, max ${"%.0f".format(times.last())})")
        } finally {
            dir.deleteRecursively()
        }
    }
}
