package app.smishgate.gateway

import app.smishgate.core.Action
import app.smishgate.core.SmishGate
import app.smishgate.core.Sms
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import kotlin.random.Random

/**
 * The companion's decisions: which SMS-app notification is taken away, in either order of
 * arrival, with the real gate judging the texts no SMS brought.
 */
class CompanionTest {
    private val gates = Gates()

    @AfterEach
    fun cleanUp() = gates.close()

    private val gate: SmishGate by lazy { gates.open() }
    private var judged = 0
    private val companion by lazy {
        CompanionWindow({ sender, text ->
            judged++
            gate.classify(Sms(sender, text, null))
        })
    }

    private val t0 = 1_780_000_000_000L
    private val lure = "【SBI証券】お客様の口座で不正な取引を検知しました。至急ご確認ください https://sbi-sec-verify.top/login"
    private val lure2 = "USPS: your package is on hold, pay the redelivery fee at https://usps-care-redeliver.top/pay"
    private val code = "SBI証券 認証コード：482913 このコードを他人に教えないでください。"
    private val plain = "Running 10 minutes late, see you at the station"
    private val fromLure = "+81 80-1234-5678"

    /** The SMS app's notification: a MessagingStyle conversation with [texts], oldest first. */
    private fun shown(key: String, at: Long, vararg texts: String, sender: String? = fromLure) =
        Shown(key, at, sender, texts.map { ShownMessage(sender, it, at) })

    @Test
    fun `a held SMS first, then its SMS-app alert - cancelled`() {
        companion.saw("+818012345678", lure, t0, t0 - 2_000, Action.QUARANTINE, "7")
        val p = companion.posted(shown("k1", t0 + 40, lure), t0 + 50)
        assertTrue(p.cancel)
        assertEquals(listOf("7"), p.held)
        assertTrue(p.unkept.isEmpty() && p.warnings.isEmpty())
    }

    @Test
    fun `the alert first, then the SMS - it waits, and is cancelled when the verdict lands`() {
        val n = shown("k1", t0, lure)
        val first = companion.posted(n, t0 + 5)
        assertFalse(first.cancel)
        assertEquals(t0 + 5 + companion.graceMs, first.recheckAtMs, "it looks again after the grace period")
        companion.saw("+818012345678", lure, t0 + 300, null, Action.QUARANTINE, "8")
        val again = companion.posted(n, t0 + 301)
        assertTrue(again.cancel)
        assertEquals(listOf("8"), again.held)
        assertEquals(0, judged, "a text an SMS brought is never judged on what it shows")
    }

    @Test
    fun `a delivered message is left alone, in either order`() {
        companion.saw("SBI", code, t0, null, Action.DELIVER, null)
        assertTrue(companion.posted(shown("k1", t0, code, sender = "SBI"), t0 + 10).idle)
        val n = shown("k2", t0 + 20, plain, sender = "Aiko")
        assertFalse(companion.posted(n, t0 + 20).cancel)
        companion.saw("+819011112222", plain, t0 + 30, null, Action.DELIVER, null)
        assertTrue(companion.posted(n, t0 + 31).idle)
    }

    @Test
    fun `a conversation of a held lure and a real code is left alone, and the held notice says so once`() {
        companion.saw("SBI", code, t0, null, Action.DELIVER, null)
        companion.saw("SBI", lure, t0 + 1_000, null, Action.QUARANTINE, "9")
        val n = shown("k1", t0 + 1_100, code, lure, sender = "SBI")
        val p = companion.posted(n, t0 + 1_100)
        assertFalse(p.cancel)
        assertEquals(listOf("9"), p.alsoShownBeside)
        val repost = companion.posted(n, t0 + 2_000)
        assertFalse(repost.cancel)
        assertTrue(repost.alsoShownBeside.isEmpty(), "said once")
    }

    @Test
    fun `a repost of a cancelled conversation with the same held messages is cancelled again, even after its verdicts aged out`() {
        companion.saw("+818012345678", lure, t0, null, Action.QUARANTINE, "7")
        val n = shown("k1", t0 + 10, lure)
        assertTrue(companion.posted(n, t0 + 10).cancel)
        companion.removed("k1")
        assertTrue(companion.posted(n.copy(postedMs = t0 + 120_000), t0 + 120_000).cancel)
        // Four minutes after the repost, the verdict itself is long gone; the conversation is not.
        companion.removed("k1")
        val late = t0 + 120_000 + 4 * 60_000
        assertTrue(companion.posted(n.copy(postedMs = late), late).cancel)
        assertEquals(0, judged)
        // The same key with a new real message added: no longer all held.
        companion.saw("+818012345678", plain, late + 1, null, Action.DELIVER, null)
        assertFalse(companion.posted(shown("k1", late + 2, lure, plain), late + 2).cancel)
    }

    @Test
    fun `an RCS lure no SMS brought is judged on what it shows after the grace period and cancelled, not kept`() {
        val n = shown("rcs", t0, lure2, sender = "+12025550143")
        val wait = companion.posted(n, t0)
        assertFalse(wait.cancel)
        assertNotNull(wait.recheckAtMs)
        assertEquals(0, judged, "nothing judged before the grace period")
        val p = companion.posted(n, wait.recheckAtMs!!)
        assertTrue(p.cancel)
        assertEquals(1, p.unkept.size)
        assertEquals(Action.QUARANTINE, p.unkept.single().action)
        assertTrue(p.held.isEmpty(), "no record: there is no copy")
        // A repost is cancelled again without a second notice.
        val again = companion.posted(n, wait.recheckAtMs!! + 1_000)
        assertTrue(again.cancel)
        assertTrue(again.unkept.isEmpty())
    }

    @Test
    fun `an RCS text that would be warned gets a warning and its alert stays`() {
        val warned = "Your account is suspended. Call us now on 0800 123 4567 to keep your bank card active"
        val v = gate.classify(Sms("+447700900123", warned, null))
        assertEquals(Action.WARN, v.action, "the table text must be one the gate warns about")
        val n = shown("rcs", t0, warned, sender = "+447700900123")
        companion.posted(n, t0)
        val p = companion.posted(n, t0 + companion.graceMs)
        assertFalse(p.cancel)
        assertEquals(listOf(Action.WARN), p.warnings.map { it.action })
        assertTrue(companion.posted(n, t0 + companion.graceMs + 10).warnings.isEmpty(), "warned once")
    }

    @Test
    fun `an RCS message from a friend is judged, delivered, and left alone`() {
        val n = shown("rcs", t0, plain, sender = "Aiko")
        companion.posted(n, t0)
        assertTrue(companion.posted(n, t0 + companion.graceMs).idle)
        assertEquals(1, judged)
    }

    @Test
    fun `a redacted alert is matched by sender and time only, and never cancelled on a guess`() {
        companion.saw("+818012345678", lure, t0, null, Action.QUARANTINE, "7")
        val hidden = Shown("k1", t0 + 20, "080-1234-5678", listOf(ShownMessage("080-1234-5678", null, t0 + 20, redacted = true)))
        val p = companion.posted(hidden, t0 + 20)
        assertTrue(p.cancel, "the only verdict from that number in the window was held")
        assertEquals(listOf("7"), p.held)

        // The same number also sent a real code: which one the alert shows cannot be known.
        companion.saw("+818012345678", code, t0 + 30, null, Action.DELIVER, null)
        assertFalse(companion.posted(hidden.copy(key = "k2"), t0 + 40).cancel)

        // A name instead of a number, or a sender with no verdict: left alone, and not judged.
        val named = Shown("k3", t0 + 50, "Mum", listOf(ShownMessage("Mum", null, t0 + 50, redacted = true)))
        assertFalse(companion.posted(named, t0 + 50).cancel)
        assertFalse(companion.posted(named, t0 + 50 + companion.graceMs).cancel)
        assertEquals(0, judged)
    }

    @Test
    fun `the shown text matches however the SMS app spaced, widened or prefixed it`() {
        companion.saw("+818012345678", lure, t0, null, Action.QUARANTINE, "7")
        val wide = lure.replace("https://", "ｈｔｔｐｓ：／／").replace("。", "。\n  ")
        assertTrue(companion.posted(shown("k1", t0, wide), t0).cancel)
        // An inbox-style line "sender: text" in a summary notification.
        val line = Shown("k2", t0, null, listOf(ShownMessage(null, "$fromLure: $lure", null)))
        assertTrue(companion.posted(line, t0 + 1).cancel)
        // A different text from the same number is not that message.
        assertFalse(companion.posted(shown("k3", t0 + 2, "$lure!"), t0 + 2).cancel)
    }

    @Test
    fun `a verdict is only matched within the window`() {
        companion.saw("+818012345678", lure, t0, null, Action.DELIVER, null)
        // Six minutes later the delivered verdict is gone, so the same text is judged on what it shows.
        val late = t0 + 6 * 60_000
        val n = shown("k1", late, lure)
        companion.posted(n, late)
        val p = companion.posted(n, late + companion.graceMs)
        assertTrue(p.cancel)
        assertEquals(1, judged)
    }

    @Test
    fun `notifications that show no message are left alone`() {
        assertTrue(companion.posted(Shown("k", t0, "Messages", emptyList()), t0).idle)
        assertTrue(companion.posted(Shown("k", t0, "Messages", listOf(ShownMessage(null, "  ", t0))), t0).idle)
    }

    @Test
    fun `the window is bounded`() {
        for (i in 0 until 10_000) companion.saw("+8180$i", "$lure $i", t0 + i, null, Action.QUARANTINE, "$i")
        assertEquals(companion.maxVerdicts, companion.verdictsWaiting)
        for (i in 0 until 1_000) companion.posted(shown("k$i", t0 + 10_000, "$lure ${9_999 - i % 200}"), t0 + 10_000)
        assertTrue(companion.notificationsKnown <= companion.maxNotifications)
        // Everything ages out.
        companion.posted(shown("last", t0 + 30 * 60_000, plain), t0 + 30 * 60_000)
        assertEquals(0, companion.verdictsWaiting)
        assertEquals(1, companion.notificationsKnown)
    }

    @Test
    fun `no text, sender or number is kept, only keyed digests`() {
        companion.saw("+818012345678", lure, t0, null, Action.QUARANTINE, "7")
        companion.posted(shown("k1", t0, lure, plain), t0)
        companion.posted(shown("k1", t0, lure, plain), t0 + companion.graceMs)
        val strings = strings(companion)
        for (secret in listOf("sbi-sec-verify", "8012345678", "Running", "1234-5678")) {
            assertTrue(strings.none { it.contains(secret) }, "the companion keeps \"$secret\"")
        }
    }

    @Test
    fun `two companions digest the same text differently`() {
        val a = CompanionWindow({ _, _ -> null })
        val b = CompanionWindow({ _, _ -> null })
        a.saw("x", lure, t0, null, Action.QUARANTINE, "1")
        b.saw("x", lure, t0, null, Action.QUARANTINE, "1")
        fun digests(c: CompanionWindow) = reachable(c).filterIsInstance<Digest>().toSet()
        assertEquals(2, digests(a).size, "a body and a sender")
        assertTrue(digests(a).intersect(digests(b)).isEmpty())
    }

    /**
     * The one property that matters, over random interleavings: an alert that shows any message
     * delivered (or warned) is never cancelled, and one whose messages were all held is
     * cancelled once both sides have arrived.
     */
    @Test
    fun `property - a real message's alert is never cancelled, whatever the order`() {
        val fake = CompanionWindow({ _, text -> if (text.contains("lure")) verdictOf(Action.QUARANTINE) else verdictOf(Action.DELIVER) })
        val rnd = Random(20261207)
        repeat(2_000) { round ->
            val base = t0 + round * 10_000_000L
            val count = 1 + rnd.nextInt(4)
            val msgs = (0 until count).map { i ->
                val held = rnd.nextInt(3) == 0
                Triple("${if (held) "lure" else "note"} $round.$i ${rnd.nextLong()}", held, rnd.nextBoolean())
            }
            val n = Shown("c$round", base, "+8190$round", msgs.map { ShownMessage("+8190$round", it.first, base) })
            val verdictsFirst = rnd.nextBoolean()
            fun verdicts() = msgs.forEachIndexed { i, (text, held, viaSms) ->
                if (viaSms) fake.saw("+8190$round", text, base + i, null, if (held) Action.QUARANTINE else Action.DELIVER, if (held) "$round$i" else null)
            }
            if (verdictsFirst) verdicts()
            val early = fake.posted(n, base + 10)
            if (!verdictsFirst) verdicts()
            val late = fake.posted(n, base + 10 + fake.graceMs)
            val allHeld = msgs.all { it.second }
            for (p in listOf(early, late)) {
                if (!allHeld) assertFalse(p.cancel, "round $round cancelled an alert with a real message")
            }
            if (allHeld) assertTrue(late.cancel, "round $round: every message held, the alert stays")
            assertNull(late.recheckAtMs)
        }
    }

    private fun verdictOf(a: Action) = app.smishgate.core.Verdict(a, if (a == Action.QUARANTINE) app.smishgate.core.Kind.SUSPICIOUS_LINK else app.smishgate.core.Kind.CLEAN, null, null, emptyList(), emptyList())

    /** Every object reachable from [root] through its fields (this module's and the collections'). */
    private fun reachable(root: Any): List<Any> {
        val seen = java.util.IdentityHashMap<Any, Unit>()
        val out = mutableListOf<Any>()
        val todo = ArrayDeque<Any>().apply { add(root) }
        while (todo.isNotEmpty()) {
            val o = todo.removeFirst()
            if (seen.put(o, Unit) != null) continue
            out += o
            when (o) {
                is String, is Number, is Boolean -> continue
                is Map<*, *> -> o.entries.forEach { (k, v) -> k?.let(todo::add); v?.let(todo::add) }
                is Iterable<*> -> o.forEach { it?.let(todo::add) }
                is Array<*> -> o.forEach { it?.let(todo::add) }
                is LongArray, is ByteArray -> continue
                else -> if (o.javaClass.name.startsWith("app.smishgate.gateway") && !o.javaClass.name.contains("Test")) {
                    var c: Class<*>? = o.javaClass
                    while (c != null) {
                        for (f in c.declaredFields) {
                            if (java.lang.reflect.Modifier.isStatic(f.modifiers)) continue
                            f.isAccessible = true
                            f.get(o)?.let(todo::add)
                        }
                        c = c.superclass
                    }
                }
            }
        }
        return out
    }

    private fun strings(root: Any) = reachable(root).filterIsInstance<String>()
}
