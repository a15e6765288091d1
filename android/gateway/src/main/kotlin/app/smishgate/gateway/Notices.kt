// What to tell the person when a message arrives: which notification, with what words and
// actions. The shell turns a [Notice] into an Android notification and nothing more.
package app.smishgate.gateway

import app.smishgate.core.Action
import app.smishgate.core.Decision
import app.smishgate.core.Service
import app.smishgate.core.Verdict

/** The notification channels, one per action the person may take. */
enum class Channel(val id: String) {
    /** A message was held in quarantine. */
    HELD("smishgate.held"),

    /** A message was delivered with a warning. */
    WARNING("smishgate.warning"),

    /** A one-time code from a registered service. */
    CODE("smishgate.code"),
}

/** The buttons a notification offers. */
enum class NoticeAction {
    /** Open the held message in the Quarantine screen. */
    REVIEW,

    /** Release the held message (it was not an attack). */
    RELEASE,

    /** Copy the one-time code. */
    COPY_CODE,
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
)

/** What the person chose in Settings. */
data class Settings(
    /** Held messages older than this many days are deleted. */
    val retentionDays: Int = 90,
    /** Whether a warning raises a notification (held messages always do). */
    val notifyWarnings: Boolean = true,
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
 * The notification for one ingested message, or `null` for none: a message delivered plainly
 * is the SMS app's to announce, a warning only when [Settings.notifyWarnings], and a duplicate
 * of a message held before was announced then. Held messages always notify; a trusted code
 * message offers Copy code.
 */
fun planNotice(decision: Decision, settings: Settings, lang: Lang, names: ServiceNames): Notice? {
    if (decision.duplicate) return null
    return planNotice(decision.verdict, decision.quarantineId, kept = true, settings, lang, names)
}

/**
 * The notification for a verdict. [kept] is false when the gate could not store the message
 * (a full or damaged disk): a held message is then announced with no Review or Release, and
 * says it was not kept.
 */
fun planNotice(
    verdict: Verdict,
    quarantineId: String?,
    kept: Boolean,
    settings: Settings,
    lang: Lang,
    names: ServiceNames,
): Notice? {
    val t = lang.text
    val service = names.of(verdict.service)
    val reasons = verdict.reasons.map { it.text(lang) }
    return when (verdict.action) {
        Action.QUARANTINE -> {
            val first = reasons.firstOrNull() ?: t.kind(verdict.kind)
            val held = kept && quarantineId != null
            Notice(
                channel = Channel.HELD,
                title = t.heldTitle(service, first),
                text = (if (held) reasons else reasons + t.notKept).joinToString("\n"),
                publicTitle = t.heldPublic,
                actions = if (held) listOf(NoticeAction.REVIEW, NoticeAction.RELEASE) else emptyList(),
                quarantineId = quarantineId.takeIf { held },
                code = null,
            )
        }
        Action.WARN -> if (!settings.notifyWarnings) {
            null
        } else {
            Notice(
                channel = Channel.WARNING,
                title = t.warningTitle(service),
                text = reasons.ifEmpty { listOf(t.kind(verdict.kind)) }.joinToString("\n"),
                publicTitle = t.warningPublic,
                actions = emptyList(),
                quarantineId = null,
                code = null,
            )
        }
        Action.DELIVER -> {
            val code = verdict.otp
            if (verdict.kind != "trusted" || code == null || service == null) {
                null
            } else {
                Notice(
                    channel = Channel.CODE,
                    title = t.codeTitle(service),
                    text = code,
                    publicTitle = t.codePublic(service),
                    actions = listOf(NoticeAction.COPY_CODE),
                    quarantineId = null,
                    code = code,
                )
            }
        }
    }
}

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
