// Requests to the gate as the screens make them: a value, or a refusal with a sentence to show.
package app.smishgate.gateway

import app.smishgate.core.SmishGateException

/** What went wrong, by the gate's own error kinds (the message to show is in [Catalog]). */
sealed class Problem {
    /** The input was refused; [reason] says what was wrong (never a body, code or number). */
    data class Invalid(val reason: String) : Problem()

    /** Nothing has that id (a message deleted meanwhile, a service removed). */
    data class NotFound(val what: String) : Problem()

    /** Another process holds the database. */
    data object InUse : Problem()

    /** The storage failed: full, damaged or read-only. */
    data class Storage(val reason: String) : Problem()

    /** The database was written by a newer version of the app. */
    data object IncompatibleFormat : Problem()

    companion object {
        /** The problem a gate exception stands for. */
        fun of(e: SmishGateException): Problem = when (e) {
            is SmishGateException.InvalidInput -> Invalid(e.reason)
            is SmishGateException.NotFound -> NotFound(e.what)
            is SmishGateException.InUse -> InUse
            is SmishGateException.Storage -> Storage(e.reason)
            is SmishGateException.IncompatibleFormat -> IncompatibleFormat
        }
    }
}

/** The result of one request from a screen. */
sealed interface Outcome<out T> {
    /** It was done. */
    data class Done<T>(val value: T) : Outcome<T>

    /** It was refused and nothing changed; [message] is for the person. */
    data class Refused(val problem: Problem, val message: String) : Outcome<Nothing>
}

/** Run one request, a gate exception becoming [Outcome.Refused] with its sentence in [lang]. */
inline fun <T> attempt(lang: Lang, request: () -> T): Outcome<T> = try {
    Outcome.Done(request())
} catch (e: SmishGateException) {
    val p = Problem.of(e)
    Outcome.Refused(p, lang.text.problem(p))
}
