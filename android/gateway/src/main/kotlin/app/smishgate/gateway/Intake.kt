// A broadcast of received PDUs in, notifications out: the receiver's whole job, minus Android.
package app.smishgate.gateway

import app.smishgate.core.Classifier
import app.smishgate.core.SmishGate
import app.smishgate.core.SmishGateException
import app.smishgate.core.Sms
import app.smishgate.core.Verdict

/**
 * Judges and stores what arrives, tells the [companion] what was decided (so that it can take
 * the SMS app's alert away for a held message), and says what to notify.
 *
 * [gate] opens the database (it may throw: a full or damaged disk, another process, a newer
 * format); [classifier] judges with the built-in registry and no database, for when it does not
 * open. An SMS is in the system inbox whatever happens here, so it is always judged.
 */
class Intake(
    private val gate: () -> SmishGate,
    private val classifier: () -> Classifier,
    private val companion: CompanionWindow? = null,
    private val clock: () -> Long = System::currentTimeMillis,
) {
    /** For a gate already open, with no companion (tests, the JVM benchmark). */
    constructor(gate: SmishGate, classifier: () -> Classifier) : this({ gate }, classifier)

    /**
     * Join [parts] into messages, ingest them in one batch, and plan their notifications.
     *
     * When the gate cannot open or store them, they are still judged, by [classifier]: an
     * attack must still be announced, as not kept. Throws only if even that fails (the native
     * library did not load), and the shell then announces an unchecked SMS.
     */
    fun receive(parts: List<SmsPart>, settings: Settings, lang: Lang): List<Notice> {
        val messages = joinParts(parts)
        if (messages.isEmpty()) return emptyList()
        val stored = try {
            val g = gate()
            val names = try {
                ServiceNames.of(g.services())
            } catch (e: SmishGateException) {
                ServiceNames(emptyMap())
            }
            g.ingestBatch(messages) to names
        } catch (e: SmishGateException) {
            null
        }
        if (stored != null) {
            val (decisions, names) = stored
            tell(messages, decisions.map { it.verdict }, decisions.map { it.quarantineId })
            return messages.indices.mapNotNull { i -> planNotice(decisions[i], settings, lang, names, messages[i]) }
        }
        val verdicts = classifier().classifyBatch(messages)
        tell(messages, verdicts, verdicts.map { null })
        return messages.indices.mapNotNull { i ->
            planNotice(verdicts[i], null, Kept.NOT_STORED, settings, lang, ServiceNames(emptyMap()), messages[i])
        }
    }

    private fun tell(messages: List<Sms>, verdicts: List<Verdict>, ids: List<String?>) {
        val c = companion ?: return
        val now = clock()
        for (i in messages.indices) {
            c.saw(messages[i].sender, messages[i].body, now, messages[i].receivedAtMs, verdicts[i].action, ids[i])
        }
    }
}
