// The Quarantine screen's requests: pages of held messages and what the person decides.
package app.smishgate.gateway

import app.smishgate.core.QuarantinePage
import app.smishgate.core.QuarantineQuery
import app.smishgate.core.QuarantinedMessage
import app.smishgate.core.SmishGate

/** Held messages, newest first, a page at a time, and the review actions on them. */
class Quarantine(private val gate: SmishGate, private val lang: () -> Lang, private val pageSize: UInt = 50u) {
    /** The first page, or the one after [cursor] (from the previous page's `nextCursor`). */
    fun page(cursor: String? = null, query: QuarantineQuery? = null): Outcome<QuarantinePage> = attempt(lang()) {
        if (query == null) gate.quarantineList(cursor, pageSize) else gate.quarantineSearch(query, cursor, pageSize)
    }

    /** One message, or `null` when it is gone. */
    fun get(id: String): Outcome<QuarantinedMessage?> = attempt(lang()) { gate.quarantineGet(id) }

    /**
     * Release a message: it was not an attack. With [trustSender], its sender is registered for
     * the service it claimed, which the gate allows only with [force] (every held message was
     * judged an attack; the screen asks twice).
     */
    fun release(m: QuarantinedMessage, trustSender: Boolean = false, force: Boolean = false): Outcome<QuarantinedMessage> =
        attempt(lang()) { gate.release(m.id, m.verdict.service.takeIf { trustSender }, force) }

    /** Confirm a message as smishing; with [blockSender], later ones from it are held too. */
    fun confirm(id: String, blockSender: Boolean = false): Outcome<QuarantinedMessage> =
        attempt(lang()) { gate.confirm(id, blockSender) }

    /** Delete a message for good. */
    fun delete(id: String): Outcome<Unit> = attempt(lang()) { gate.delete(id) }

    /** Delete what is older than the retention the person chose; how many went. */
    fun purge(settings: Settings): Outcome<ULong> = attempt(lang()) { gate.purgeOlderThan(settings.retentionDays.toUInt()) }
}
