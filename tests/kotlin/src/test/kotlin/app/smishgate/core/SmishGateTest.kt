package app.smishgate.core

import org.json.JSONObject
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/**
 * The Kotlin API of the gate, through the generated bindings and the real library: the shared
 * fixture tables, the review flows, typed errors that change nothing, threads, and the
 * database's lock.
 */
class SmishGateTest {
    private val dbs = TempDbs()

    private fun tempDb(): String = dbs.path()

    @AfterEach
    fun cleanUp() = dbs.close()

    private val now = System.currentTimeMillis()

    /** One row of a fixture table (tests/fixtures/{en,ja}.jsonl, read by the Rust tests too). */
    data class Row(
        val id: String,
        val sender: String,
        val body: String,
        val action: String,
        val kind: String,
        val service: String?,
        val otp: String?,
    )

    private fun fixtures(stem: String): List<Row> {
        val dir = File(System.getProperty("smishgate.fixtures") ?: error("smishgate.fixtures is not set"))
        return File(dir, "$stem.jsonl").readLines().filter { it.isNotBlank() }.map { line ->
            val o = JSONObject(line)
            fun opt(k: String): String? = if (o.isNull(k)) null else o.getString(k)
            Row(o.getString("id"), o.getString("sender"), o.getString("body"), o.getString("action"),
                o.getString("kind"), opt("service"), opt("otp"))
        }
    }

    private fun userRegistry(stem: String): String? {
        val f = File(System.getProperty("smishgate.fixtures"), "user_registry_$stem.json")
        return if (f.exists()) f.readText() else null
    }

    private fun phish(i: Int, at: Long = now - i * 60_000L) = Sms(
        sender = "+8190${"%08d".format(i)}",
        body = "【SBI証券】お取引制限のお知らせ。至急ご確認ください https://sbisec-co-jp.xyz/k/$i",
        receivedAtMs = at,
    )

    private fun SmishGate.everything(limit: UInt = 7u): List<QuarantinedMessage> {
        val all = mutableListOf<QuarantinedMessage>()
        var cursor: String? = null
        do {
            val page = quarantineList(cursor, limit)
            assertTrue(page.items.size <= limit.toInt())
            all += page.items
            cursor = page.nextCursor
        } while (cursor != null)
        return all
    }

    /** Every English and Japanese fixture gets its expected action, kind, service and code. */
    @Test
    fun sharedFixtureTablesGiveTheirVerdicts() {
        for (stem in listOf("en", "ja")) {
            SmishGate(tempDb()).use { gate ->
                userRegistry(stem)?.let { gate.importRegistry(it) }
                val rows = fixtures(stem)
                assertTrue(rows.size >= 100, "$stem: only ${rows.size} rows")
                val verdicts = gate.classifyBatch(rows.map { Sms(it.sender, it.body, null) })
                val wrong = rows.zip(verdicts).filter { (r, v) ->
                    listOf(v.action.name.lowercase(), v.kind.name.lowercase().replace('_', '-'), v.service, v.otp) !=
                        listOf(r.action, r.kind, r.service, r.otp)
                }.map { (r, v) -> "${r.id}: want ${r.action}/${r.kind}/${r.service}/${r.otp}, got ${v.action}/${v.kind}/${v.service}/${v.otp}" }
                assertTrue(wrong.isEmpty(), "$stem: ${wrong.size} of ${rows.size} wrong:\n" + wrong.joinToString("\n"))
                // One call or a batch: the same verdict, with reasons in both languages.
                val one = gate.classify(Sms(rows[0].sender, rows[0].body, null))
                assertEquals(verdicts[0], one)
                assertTrue(one.reasons.isNotEmpty() && one.reasons.all { it.en.isNotBlank() && it.ja.isNotBlank() })
                // Ingesting them keeps exactly the quarantined ones.
                val decisions = gate.ingestBatch(rows.map { Sms(it.sender, it.body, now) })
                val held = rows.count { it.action == "quarantine" }
                assertEquals(held, decisions.count { it.quarantineId != null })
                assertEquals(held.toULong(), gate.stats().total)
            }
        }
    }

    /** A registered service's own code is trusted; a link in its name is an attack. */
    @Test
    fun registeredServicesAndTheirImpersonations() {
        SmishGate(tempDb()).use { gate ->
            gate.upsertService(Service("my-broker", "My Broker", listOf("My Broker", "マイ証券"),
                listOf("MYBROKER"), listOf("mybroker.co.jp"), LinkPolicy.NEVER))
            val code = gate.ingest(Sms("MYBROKER", "【マイ証券】認証コード: 482913 (5分間有効)", now))
            assertEquals(Action.DELIVER, code.verdict.action)
            assertEquals(Kind.TRUSTED, code.verdict.kind)
            assertEquals("482913", code.verdict.otp)
            assertNull(code.quarantineId)
            val lure = gate.ingest(Sms("MYBROKER", "【マイ証券】お取引制限のお知らせ https://mybroker-login.top/x", now))
            assertEquals(Action.QUARANTINE, lure.verdict.action)
            assertEquals("my-broker", lure.verdict.service)
            assertNotNull(lure.quarantineId)
            val link = lure.verdict.links.single()
            assertEquals("mybroker-login.top", link.host)
            assertFalse(link.official)
            val kept = gate.quarantineGet(lure.quarantineId!!)!!
            assertEquals(lure.verdict.kind, kept.verdict.kind)
            assertEquals("mybroker-login.top", kept.verdict.links.single().host)
            assertEquals(now, kept.receivedAtMs)
            assertTrue(gate.services().any { it.id == "my-broker" && it.links == LinkPolicy.NEVER })
            // Update: the user's own entry is replaced as edited.
            gate.upsertService(Service("my-broker", "My Broker Co.", emptyList(), listOf("MYBRK2"), listOf("mybroker.co.jp"), LinkPolicy.NEVER))
            val s = gate.services().single { it.id == "my-broker" }
            assertEquals("My Broker Co.", s.name)
            assertEquals(listOf("MYBRK2"), s.senders)
            // A built-in service is extended: its own senders stay, the new one is added.
            val sbi = gate.services().single { it.id == "sbi-sec" }
            gate.upsertService(sbi.copy(senders = listOf("+819011110000")))
            val sbi2 = gate.services().single { it.id == "sbi-sec" }
            assertTrue(sbi2.senders.containsAll(sbi.senders + "+819011110000"), sbi2.senders.toString())
            gate.removeService("my-broker")
            assertFalse(gate.services().any { it.id == "my-broker" })
        }
    }

    /** Release with trust (needing force), confirm with block, delete, purge, stats. */
    @Test
    fun reviewFlows() {
        SmishGate(tempDb()).use { gate ->
            val ids = gate.ingestBatch((0 until 5).map { phish(it) }).map { it.quarantineId!! }
            val old = gate.ingest(phish(99, now - 100L * 86_400_000L)).quarantineId!!
            // The same SMS again (a broadcast redelivered): stored once, and said so.
            val again = gate.ingest(phish(0))
            assertTrue(again.duplicate)
            assertEquals(ids[0], again.quarantineId)
            assertFalse(gate.ingestBatch(listOf(phish(7))).single().duplicate)

            // Trusting the sender of an attack without force: refused, nothing changed.
            val e = assertThrows<SmishGateException.InvalidInput> { gate.release(ids[0], "sbi-sec") }
            assertTrue(e.reason.contains("held as"), e.reason)
            assertEquals(Status.QUARANTINED, gate.quarantineGet(ids[0])!!.status)
            val released = gate.release(ids[0], "sbi-sec", force = true)
            assertEquals(Status.RELEASED, released.status)
            assertTrue(gate.services().single { it.id == "sbi-sec" }.senders.contains(phish(0).sender))
            assertEquals(Status.RELEASED, gate.release(ids[1]).status)

            val confirmed = gate.confirm(ids[2], blockSender = true)
            assertEquals(Status.CONFIRMED, confirmed.status)
            val blocked = gate.ingest(Sms(phish(2).sender, "hello", now))
            assertEquals(Kind.BLOCKED, blocked.verdict.kind)
            gate.blockSender(phish(2).sender) // blocked already: no error
            gate.unblockSender(phish(2).sender)
            assertThrows<SmishGateException.NotFound> { gate.unblockSender(phish(2).sender) }

            gate.delete(ids[3])
            assertNull(gate.quarantineGet(ids[3]))
            assertThrows<SmishGateException.NotFound> { gate.delete(ids[3]) }
            assertEquals(1uL, gate.purgeOlderThan(90u))
            assertNull(gate.quarantineGet(old))

            val stats = gate.stats()
            val left = gate.everything()
            assertEquals(left.size.toULong(), stats.total)
            assertEquals(2uL, stats.byStatus["released"])
            assertEquals(1uL, stats.byStatus["confirmed"])
            assertEquals(stats.total, stats.byDay.values.sum())
            val search = gate.quarantineSearch(QuarantineQuery(null, null, Status.RELEASED), null, 50u)
            assertEquals(2, search.items.size)
            val bySvc = gate.quarantineSearch(QuarantineQuery("sbi-sec", Kind.IMPERSONATION, null), null, 50u)
            assertTrue(bySvc.items.isNotEmpty() && bySvc.items.all { it.verdict.service == "sbi-sec" })
        }
    }

    /** Pages: newest first, every message once, across many pages. */
    @Test
    fun pagingSeesEveryMessageOnce() {
        SmishGate(tempDb()).use { gate ->
            gate.ingestBatch((0 until 53).map { phish(it) })
            val all = gate.everything(limit = 7u)
            assertEquals(53, all.size)
            assertEquals(53, all.map { it.id }.toSet().size)
            val times = all.map { it.receivedAtMs!! }
            assertEquals(times.sortedDescending(), times)
        }
    }

    /** Bad input arrives as typed exceptions and leaves the database as it was. */
    @Test
    fun badInputIsTypedAndChangesNothing() {
        SmishGate(tempDb()).use { gate ->
            gate.ingestBatch((0 until 3).map { phish(it) })
            gate.upsertService(Service("gym", "Gym", emptyList(), listOf("GYM"), listOf("gym.example.com"), LinkPolicy.OFFICIAL))
            val registry = gate.exportRegistry()
            val before = gate.everything()

            assertThrows<SmishGateException.InvalidInput> { gate.quarantineGet("not-an-id") }
            assertThrows<SmishGateException.InvalidInput> { gate.release("-1") }
            assertThrows<SmishGateException.InvalidInput> { gate.quarantineList("garbage-cursor", 10u) }
            assertThrows<SmishGateException.InvalidInput> { gate.quarantineList(null, 0u) }
            assertThrows<SmishGateException.NotFound> { gate.confirm("999999999", false) }
            assertThrows<SmishGateException.InvalidInput> { gate.importRegistry("{ not json") }
            assertThrows<SmishGateException.InvalidInput> {
                gate.importRegistry("""{"version":1,"services":[{"id":"x","name":"X","domains":["*.bad..com"]}]}""")
            }
            assertThrows<SmishGateException.InvalidInput> {
                gate.upsertService(Service("Bad Id!", "", emptyList(), emptyList(), emptyList(), LinkPolicy.NEVER))
            }
            assertThrows<SmishGateException.NotFound> { gate.addSender("no-such-service", "+81900000000") }
            assertThrows<SmishGateException.InvalidInput> { initLogging("loud") }

            assertEquals(registry, gate.exportRegistry())
            assertEquals(before, gate.everything())
            // No error text repeats what it was given (a code, a number, a word of a body).
            val e = assertThrows<SmishGateException.InvalidInput> { gate.quarantineGet("482913 SECRETWORD") }
            assertFalse(e.message!!.contains("482913") || e.message!!.contains("SECRETWORD"), e.message)
            val c = assertThrows<SmishGateException.InvalidInput> { gate.quarantineList("SECRETWORD-482913", 5u) }
            assertFalse(c.message!!.contains("482913") || c.message!!.contains("SECRETWORD"), c.message)
        }
    }

    /** Eight Kotlin threads ingesting at once lose nothing. */
    @Test
    fun eightThreadsLoseNothing() {
        SmishGate(tempDb()).use { gate ->
            val pool = Executors.newFixedThreadPool(8)
            val start = CountDownLatch(1)
            val perThread = 40
            val futures = (0 until 8).map { t ->
                pool.submit<List<String>> {
                    start.await()
                    (0 until perThread).map { i ->
                        val n = t * 1000 + i
                        if (i % 4 == 0) gate.ingestBatch(listOf(phish(n))).single().quarantineId!!
                        else gate.ingest(phish(n)).quarantineId!!
                    }
                }
            }
            start.countDown()
            val ids = futures.flatMap { it.get(120, TimeUnit.SECONDS) }
            pool.shutdown()
            assertEquals(8 * perThread, ids.toSet().size)
            assertEquals((8 * perThread).toULong(), gate.stats().total)
            assertEquals(ids.toSet(), gate.everything(limit = 100u).map { it.id }.toSet())
        }
    }

    /** `.use {}` releases the database at once; a second gate on an open one is `InUse`. */
    @Test
    fun theDatabaseLockIsHeldAndReleased() {
        val path = tempDb()
        val id = SmishGate(path).use { gate ->
            assertThrows<SmishGateException.InUse> { SmishGate(path) }
            gate.ingest(phish(1)).quarantineId!!
        }
        SmishGate(path).use { again ->
            assertNotNull(again.quarantineGet(id))
        }
    }
}
