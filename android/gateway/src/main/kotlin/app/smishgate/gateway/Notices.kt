// What to tell the person when a message arrives: which notification, with what words and
// actions. The shell turns a [Notice] into an Android notification and nothing more.
package app.smishgate.gateway

import app.smishgate.core.Action
import app.smishgate.core.Decision
import app.smishgate.core.Kind
import app.smishgate.core.Service
import app.smishgate.core.Sms
import app.smishgate.core.Verdict

/** The notification channels, one per action the person may take. */
enum class Channel(val id: String) {
    /** A message was held in quarantine. */
    HELD("smishgate.held"),

    /** A message was delivered with a warning. */
    WARNING("smishgate.warning"),

    /** A one-time code from a registered service. */
    CODE("smishgate.code"),

    /** A delivered message, announced by smishgate when the person chose it to announce every message. */
    MESSAGE("smishgate.message"),

    /** Protection turned off or partial (a permission revoked, the listener disconnected). */
    HEALTH("smishgate.health"),
}

/** The buttons a notification offers. */
enum class NoticeAction {
    /** Open the held message in the Quarantine screen. */
    REVIEW,

    /** Not smishing: release the held message (it was not an attack). */
    RELEASE,

    /** Copy the one-time code. */
    COPY_CODE,

    /** The conversation in the default SMS app (where the message itself is). */
    OPEN_SMS_APP,
}

/**
 * One notification. [title] and [text] are for an unlocked phone; [publicTitle] is what the
 * lock screen shows instead (never a body, a code or a reason).
 */
data class Notice(
    val channel: Channel,
    val title: String,
    val text: String,
    val publicTitle: String,
    val actions: List<NoticeAction>,
    /** The held record (for Review and Release), when it was kept. */
    val quarantineId: String?,
    /** The code, for Copy code. */
    val code: String?,
    /** Who sent it (for Open in SMS app, and the sender of a message notification). */
    val sender: String? = null,
    /** The message itself, for a message notification (MessagingStyle) when smishgate announces every message. */
    val body: String? = null,
    /** When it was received (epoch ms), for a message notification. */
    val receivedAtMs: Long? = null,
)

/** What the person chose in Settings. */
data class Settings(
    /** Held messages older than this many days are deleted. */
    val retentionDays: Int = 90,
    /** Whether a warning raises a notification (held messages always do). */
    val notifyWarnings: Boolean = true,
    /**
     * smishgate announces every message it does not hold (the takeover): each delivered and
     * warned SMS gets a message notification, so a person who muted the SMS app misses none.
     */
    val announceAll: Boolean = false,
) {
    init {
        require(retentionDays in RETENTION_DAYS) { "retention must be ${RETENTION_DAYS.first}–${RETENTION_DAYS.last} days" }
    }

    companion object {
        /** The retention a person may choose. */
        val RETENTION_DAYS = 1..3650
    }
}

/** Service ids to the names a person knows them by. */
class ServiceNames(private val names: Map<String, String>) {
    /** The display name of [id], or the id itself for a service no longer registered. */
    fun of(id: String?): String? = id?.let { names[it] ?: it }

    companion object {
        fun of(services: List<Service>) = ServiceNames(services.associate { it.id to it.name })
    }
}

/**
 * The notification for one ingested message [sms], or `null` for none: a message delivered
 * plainly is the SMS app's to announce (unless [Settings.announceAll]), a warning only when
 * [Settings.notifyWarnings], and a duplicate of a message held before was announced then. Held
 * messages always notify; a trusted code message offers Copy code.
 */
fun planNotice(decision: Decision, settings: Settings, lang: Lang, names: ServiceNames, sms: Sms? = null): Notice? {
    if (decision.duplicate) return null
    return planNotice(decision.verdict, decision.quarantineId, Kept.STORED, settings, lang, names, sms)
}

/** Where a held message is, which changes what its notice can offer and must say. */
enum class Kept {
    /** In the quarantine (Review, Not smishing). */
    STORED,

    /** Not stored: the phone's storage failed. */
    NOT_STORED,

    /** Never an SMS: judged on what the SMS app's notification showed (an RCS or MMS text), so there is no copy. */
    SHOWN_ONLY,
}

/**
 * The notification for a verdict. [kept] is false when the gate could not store the message
 * (a full or damaged disk): a held message is then announced with no Review or Not smishing,
 * and says it was not kept. [sms] is the message itself (sender, body, time), for Open in SMS
 * app and for the message notifications of [Settings.announceAll].
 */
fun planNotice(
    verdict: Verdict,
    quarantineId: String?,
    kept: Boolean,
    settings: Settings,
    lang: Lang,
    names: ServiceNames,
    sms: Sms? = null,
): Notice? = planNotice(verdict, quarantineId, if (kept) Kept.STORED else Kept.NOT_STORED, settings, lang, names, sms)

/**
 * The notification for a verdict, [kept] saying where a held message is. [alsoShownBeside]:
 * the SMS app's alert still shows this held message beside a real one (so it was left), and
 * the notice says so.
 */
fun planNotice(
    verdict: Verdict,
    quarantineId: String?,
    kept: Kept,
    settings: Settings,
    lang: Lang,
    names: ServiceNames,
    sms: Sms? = null,
    alsoShownBeside: Boolean = false,
): Notice? {
    val t = lang.text
    val service = names.of(verdict.service)
    val reasons = verdict.reasons.map { it.text(lang) }
    val sender = sms?.sender?.takeIf { it.isNotBlank() }
    val open = listOfNotNull(NoticeAction.OPEN_SMS_APP.takeIf { sender != null })
    return when (verdict.action) {
        Action.QUARANTINE -> {
            val first = reasons.firstOrNull() ?: t.kind(verdict.kind)
            val held = kept == Kept.STORED && quarantineId != null
            val where = when {
                held -> t.stillInSmsApp
                kept == Kept.SHOWN_ONLY -> t.shownOnly
                else -> t.notKept
            }
            val lines = reasons + listOfNotNull(t.alsoShownBeside.takeIf { alsoShownBeside }) + where
            Notice(
                channel = Channel.HELD,
                title = t.heldTitle(service, first),
                text = lines.joinToString("\n"),
                publicTitle = t.heldPublic,
                actions = (if (held) listOf(NoticeAction.RELEASE) else emptyList()) + open,
                quarantineId = quarantineId.takeIf { held },
                code = null,
                sender = sender,
            )
        }
        Action.WARN -> when {
            settings.announceAll && sms != null -> message(Channel.WARNING, t.warningTitle(service), reasons.ifEmpty { listOf(t.kind(verdict.kind)) }, t, sms, verdict.otp)
            !settings.notifyWarnings -> null
            else -> Notice(
                channel = Channel.WARNING,
                title = t.warningTitle(service),
                text = reasons.ifEmpty { listOf(t.kind(verdict.kind)) }.joinToString("\n"),
                publicTitle = t.warningPublic,
                actions = open,
                quarantineId = null,
                code = null,
                sender = sender,
            )
        }
        Action.DELIVER -> {
            val code = verdict.otp
            when {
                settings.announceAll && sms != null -> message(Channel.MESSAGE, service ?: sms.sender, emptyList(), t, sms, code)
                verdict.kind != Kind.TRUSTED || code == null || service == null -> null
                else -> Notice(
                    channel = Channel.CODE,
                    title = t.codeTitle(service),
                    text = code,
                    publicTitle = t.codePublic(service),
                    actions = listOf(NoticeAction.COPY_CODE),
                    quarantineId = null,
                    code = code,
                    sender = sender,
                )
            }
        }
    }
}

/**
 * A message notification for the takeover: the message itself (MessagingStyle in the shell),
 * with smishgate's [notes] (a warning's reasons) above it, Copy code for any code, and Open in
 * SMS app. The lock screen shows only that a message came.
 */
private fun message(channel: Channel, title: String, notes: List<String>, t: Catalog, sms: Sms, code: String?) = Notice(
    channel = channel,
    title = title,
    text = (notes + sms.body).joinToString("\n"),
    publicTitle = t.messagePublic,
    actions = listOfNotNull(NoticeAction.COPY_CODE.takeIf { code != null }) +
        listOfNotNull(NoticeAction.OPEN_SMS_APP.takeIf { sms.sender.isNotBlank() }),
    quarantineId = null,
    code = code,
    sender = sms.sender,
    body = sms.body,
    receivedAtMs = sms.receivedAtMs,
)

/**
 * The notification for messages that arrived when the gate could not even judge them (its
 * database would not open): the SMS is in the inbox unchecked, and the person must know. On
 * the warning channel, shown whatever the settings say, with nothing of the message in it.
 */
fun uncheckedNotice(lang: Lang): Notice {
    val t = lang.text
    return Notice(
        channel = Channel.WARNING,
        title = t.uncheckedTitle,
        text = t.uncheckedText,
        publicTitle = t.uncheckedTitle,
        actions = emptyList(),
        quarantineId = null,
        code = null,
    )
}
