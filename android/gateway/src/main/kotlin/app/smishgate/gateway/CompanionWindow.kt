// The companion: which of the SMS app's notifications to take away.
//
// smishgate is not the default SMS app, so Android gives the SMS to that app first: it is in the
// inbox, and its heads-up with the whole text and a tappable link is on the screen, before
// smishgate has judged anything. A notification listener can remove that alert. It must remove
// it for a held message and only for one: a real message whose alert disappears is a message
// the person misses. So a notification is cancelled only when every message it shows is known
// to be held; a conversation that also shows a delivered message is left alone (the held
// notice then says the alert shows a held message too); what cannot be read (Android 15 hides a
// notification's text from listeners when it carries a one-time code) is matched by sender and
// time, and never cancelled on a guess.
//
// Either side may come first: the SMS app usually posts its alert before smishgate's
// SMS_RECEIVED arrives. Both wait here for a few minutes: verdicts as keyed digests of their
// bodies (never the text), notifications by their key. A verdict that lands looks at the alerts
// already on show (the shell rescans them); an alert for a text no SMS ever brought (RCS, MMS
// in the SMS app) is judged, after a grace period, on what it shows.
package app.smishgate.gateway

import app.smishgate.core.Action
import app.smishgate.core.Verdict
import java.security.SecureRandom
import java.text.Normalizer
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

/** One message as a notification shows it: who (a name, a number or nothing) and what. */
data class ShownMessage(
    /** The sender as shown: a contact's name, a number, or null (a one-to-one conversation's title says it). */
    val sender: String?,
    /** The text shown, or null when there is none. */
    val text: String?,
    /** When the notification says it arrived (epoch ms), if it says. */
    val timeMs: Long?,
    /** The system hid the text from listeners (a one-time code on Android 15 and later). */
    val redacted: Boolean = false,
)

/** A notification of the default SMS app, as the listener read it. */
data class Shown(
    /** The notification's key (`StatusBarNotification.getKey`): what a cancel names. */
    val key: String,
    /** When it was posted (epoch ms, the phone's clock). */
    val postedMs: Long,
    /** The conversation's title (the other person's name or number), if any. */
    val title: String?,
    /** Every message it shows, oldest first. */
    val messages: List<ShownMessage>,
)

/**
 * What to do about one notification of the SMS app. The shell cancels it when [cancel]; posts a
 * held notice (not kept) for each of [unkept] and a warning for each of [warnings], the
 * messages it showed that no SMS brought; re-posts the held notices of [alsoShownBeside] to say
 * the SMS app's alert still shows them beside a real message; and asks again at [recheckAtMs].
 */
data class Plan(
    val key: String,
    val cancel: Boolean = false,
    val held: List<String> = emptyList(),
    val alsoShownBeside: List<String> = emptyList(),
    val unkept: List<Verdict> = emptyList(),
    val warnings: List<Verdict> = emptyList(),
    val recheckAtMs: Long? = null,
) {
    /** Nothing to do. */
    val idle: Boolean get() = !cancel && alsoShownBeside.isEmpty() && unkept.isEmpty() && warnings.isEmpty() && recheckAtMs == null
}

/**
 * The matching window between verdicts and the SMS app's notifications. Thread-safe: the
 * receiver's intake thread adds verdicts, the listener's thread reads notifications.
 *
 * Nothing of a message's text is kept: bodies and senders are held as HMAC-SHA-256 digests
 * under a key made for this object, which dies with the process, and every entry is dropped
 * [windowMs] after it was last useful. At most [maxVerdicts] verdicts and [maxNotifications]
 * notifications are kept; the oldest go first.
 *
 * [judge] classifies a text no SMS brought (the gate's `classify`, storing nothing); it may
 * return null when it cannot (the shell's gate is gone), and such a message is left alone.
 */
class CompanionWindow(
    private val judge: (sender: String, text: String) -> Verdict?,
    val windowMs: Long = WINDOW_MS,
    val graceMs: Long = GRACE_MS,
    val maxVerdicts: Int = MAX_VERDICTS,
    val maxNotifications: Int = MAX_NOTIFICATIONS,
    secret: ByteArray = ByteArray(32).also { SecureRandom().nextBytes(it) },
) {
    private val mac: Mac = Mac.getInstance("HmacSHA256").apply { init(SecretKeySpec(secret, "HmacSHA256")) }

    /** One verdict waiting for its notification. */
    private class Seen(val body: Digest, val sender: Digest?, val times: LongArray, val action: Action, val quarantineId: String?, var lastMs: Long)

    /** What was decided for one notification key, so that a repost is decided the same way. */
    private class Known(
        /** When each message it shows was first seen without a verdict (its grace period counts from here). */
        val unknownSince: MutableMap<Digest, Long>,
        /** The digests of the messages it showed when it was cancelled: a repost of them is cancelled again. */
        var cancelled: Set<Digest>,
        /** The held records already said to be shown beside a real message. */
        val saidBeside: MutableSet<String>,
        var lastMs: Long,
    )

    /** A text no SMS brought, as judged on what it showed. */
    private class Judged(val verdict: Verdict?, var lastMs: Long)

    private val seen = ArrayDeque<Seen>()
    private val known = LinkedHashMap<String, Known>()
    private val judged = LinkedHashMap<Digest, Judged>()

    /** Verdicts waiting (for the figures and the tests). */
    val verdictsWaiting: Int @Synchronized get() = seen.size

    /** Notifications remembered. */
    val notificationsKnown: Int @Synchronized get() = known.size

    /**
     * A verdict landed for an SMS from [sender] with [body], judged at [nowMs] (the phone's
     * clock) and sent at [sentMs] (the service centre's, if known). The shell then rescans the
     * notifications on show.
     */
    @Synchronized
    fun saw(sender: String, body: String, nowMs: Long, sentMs: Long?, action: Action, quarantineId: String?) {
        prune(nowMs)
        val d = digest(body) ?: return
        val times = if (sentMs != null) longArrayOf(nowMs, sentMs) else longArrayOf(nowMs)
        seen.addLast(Seen(d, senderDigest(sender), times, action, quarantineId, nowMs))
        while (seen.size > maxVerdicts) seen.removeFirst()
    }

    /** What to do about [n], posted or reposted, or on show when a verdict landed, at [nowMs]. */
    @Synchronized
    fun posted(n: Shown, nowMs: Long): Plan {
        prune(nowMs)
        val k = known.getOrPut(n.key) { Known(mutableMapOf(), emptySet(), mutableSetOf(), nowMs) }.also { it.lastMs = nowMs }
        while (known.size > maxNotifications) known.remove(known.keys.first())
        val messages = n.messages.filter { !it.text.isNullOrBlank() || it.redacted }
        if (messages.isEmpty()) return Plan(n.key)

        // The held messages it shows, by record (null: judged only on what it showed, no record).
        val held = mutableListOf<String?>()
        var real = 0
        var pending = false
        var recheck: Long? = null
        val unkept = mutableListOf<Verdict>()
        val warnings = mutableListOf<Verdict>()
        val digests = mutableSetOf<Digest>()
        for (m in messages) {
            // The shown time is the SMS app's idea (the phone's clock or the service centre's);
            // one a day or more from now is not believed.
            val at = (m.timeMs ?: n.postedMs).takeIf { kotlin.math.abs(it - nowMs) < DAY_MS } ?: nowMs
            val sender = m.sender ?: n.title
            if (m.redacted) {
                // Only sender and time are left: held when every verdict of the window from that
                // sender is held, real when one was delivered, and left alone when none matches.
                val from = senderDigest(sender)
                val candidates = if (from == null) emptyList() else seen.filter { it.sender == from && near(it, at) }
                when {
                    candidates.isEmpty() -> real++
                    candidates.all { it.action == Action.QUARANTINE } -> candidates.forEach { held += it.quarantineId; it.lastMs = nowMs }
                    else -> real++
                }
                continue
            }
            val ds = candidates(m.text!!, n.title).mapNotNull(::digest)
            val d = ds.firstOrNull() ?: continue
            // The same text is the same message while its verdict waits (a verdict lives a window
            // from its last use): a body is not matched by time, which SMS apps write differently.
            val match = ds.firstNotNullOfOrNull { dd -> seen.lastOrNull { it.body == dd } }
            digests += match?.body ?: d
            when {
                match != null -> {
                    match.lastMs = nowMs
                    k.unknownSince.remove(d)
                    if (match.action == Action.QUARANTINE) held += match.quarantineId else real++
                }
                ds.any { it in k.cancelled } -> held += null
                else -> {
                    // No SMS brought it yet: wait a moment for one, then judge what it shows.
                    val since = k.unknownSince.getOrPut(d) { nowMs }
                    if (nowMs - since < graceMs) {
                        pending = true
                        recheck = minOf(recheck ?: Long.MAX_VALUE, since + graceMs)
                        continue
                    }
                    val first = d !in judged
                    val j = judged.getOrPut(d) { Judged(judge(sender.orEmpty(), m.text), nowMs) }.also { it.lastMs = nowMs }
                    when (j.verdict?.action) {
                        Action.QUARANTINE -> {
                            held += null
                            if (first) unkept += j.verdict
                        }
                        Action.WARN -> {
                            real++
                            if (first) warnings += j.verdict
                        }
                        Action.DELIVER, null -> real++
                    }
                }
            }
        }
        while (judged.size > maxVerdicts) judged.remove(judged.keys.first())
        if (pending) return Plan(n.key, recheckAtMs = recheck, unkept = unkept, warnings = warnings)
        val ids = held.filterNotNull().distinct()
        if (held.isNotEmpty() && real == 0) {
            k.cancelled = k.cancelled + digests
            return Plan(n.key, cancel = true, held = ids, unkept = unkept, warnings = warnings)
        }
        val beside = ids.filter { k.saidBeside.add(it) }
        return Plan(n.key, held = ids, alsoShownBeside = beside, unkept = unkept, warnings = warnings)
    }

    /** The notification went (read, dismissed, cancelled): a new one with its key starts afresh, but a repost of what was cancelled is cancelled again. */
    @Synchronized
    fun removed(key: String) {
        val k = known[key] ?: return
        if (k.cancelled.isEmpty()) known.remove(key) else k.unknownSince.clear()
    }

    /** Forget everything (the listener was disconnected, or the person turned the companion off). */
    @Synchronized
    fun clear() {
        seen.clear()
        known.clear()
        judged.clear()
    }

    private fun near(s: Seen, at: Long) = s.times.any { kotlin.math.abs(it - at) <= windowMs }

    private fun prune(nowMs: Long) {
        val cut = nowMs - windowMs
        seen.removeAll { it.lastMs < cut }
        known.values.removeAll { it.lastMs < cut }
        judged.values.removeAll { it.lastMs < cut }
    }

    /** The shown text, and the same without a prefix the SMS app put before it ("Name: text"). */
    private fun candidates(text: String, title: String?): List<String> = buildList {
        add(text)
        if (title != null && text.startsWith(title)) add(text.substring(title.length).trimStart(':', ' ', '：'))
        val colon = text.indexOf(": ")
        if (colon in 1..64) add(text.substring(colon + 2))
    }

    /** A body's digest: NFKC, invisible characters and spaces out, case folded; null for an empty one. */
    private fun digest(text: String): Digest? {
        val n = normal(text)
        return if (n.isEmpty()) null else hash("b", n)
    }

    /**
     * A sender's digest: the last nine digits of a number (so that +81 80-1234-5678 and
     * 080-1234-5678 are one), else its letters and digits case-folded; null when nothing is left.
     */
    private fun senderDigest(sender: String?): Digest? {
        if (sender == null) return null
        val digits = sender.filter { it in '0'..'9' }
        val letters = sender.any { it.isLetter() }
        val key = when {
            !letters && digits.length >= 6 -> digits.takeLast(9)
            else -> normal(sender).filter { it.isLetterOrDigit() }
        }
        return if (key.isEmpty()) null else hash("s", key)
    }

    private fun hash(kind: String, text: String): Digest {
        val out = mac.doFinal((kind + "\u0000" + text).toByteArray(Charsets.UTF_8))
        var a = 0L
        var b = 0L
        for (i in 0 until 8) {
            a = (a shl 8) or (out[i].toLong() and 0xFF)
            b = (b shl 8) or (out[i + 8].toLong() and 0xFF)
        }
        return Digest(a, b)
    }

    companion object {
        /** How long a verdict and a notification wait for each other: a few minutes. */
        const val WINDOW_MS = 5L * 60 * 1000

        /** How long an unmatched message waits for its SMS before it is judged on what it shows. */
        const val GRACE_MS = 5_000L
        const val MAX_VERDICTS = 256
        private const val DAY_MS = 24L * 3600 * 1000
        const val MAX_NOTIFICATIONS = 128

        /** What a body is compared by: the same text however the SMS app wrapped or spaced it. */
        internal fun normal(text: String): String {
            val nfkc = Normalizer.normalize(text, Normalizer.Form.NFKC)
            val sb = StringBuilder(nfkc.length)
            for (c in nfkc) {
                // Spaces and line breaks are where SMS apps differ (wrapping, trimming, joining
                // the parts of a long SMS); without them the text is still the same message.
                if (c.isWhitespace() || c in INVISIBLE) continue
                sb.append(c.lowercaseChar())
            }
            return sb.toString()
        }

        /** Zero-width characters and bidi controls: shown as nothing, and a filter dodger's favourite. */
        private const val INVISIBLE = "\u200B\u200C\u200D\u2060\uFEFF\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u00AD"
    }
}

/**
 * Whether [text] is the placeholder Android shows a listener instead of a notification's text
 * (Android 15 and later hide texts that carry a one-time code from listeners without
 * RECEIVE_SENSITIVE_NOTIFICATIONS). Only the placeholder itself, in the languages the app
 * speaks: a real message that merely mentions hidden content is not one.
 */
fun isRedaction(text: String): Boolean = CompanionWindow.normal(text) in REDACTIONS

private val REDACTIONS = listOf(
    "Sensitive notification content hidden",
    "Sensitive content hidden",
    "機密性の高い通知コンテンツは非表示です",
    "機密性の高い通知内容は非表示になっています",
).map(CompanionWindow::normal).toSet()

/** 128 bits of a keyed hash. */
data class Digest(val a: Long, val b: Long)
