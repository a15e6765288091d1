// A broadcast of received PDUs in, notifications out: the receiver's whole job, minus Android.
package app.smishgate.gateway

import app.smishgate.core.SmishGate
import app.smishgate.core.SmishGateException

/** Judges and stores what arrives, and says what to notify. */
class Intake(private val gate: SmishGate) {
    /**
     * Join [parts] into messages, ingest them in one batch, and plan their notifications.
     *
     * When the gate cannot store them (a full or damaged disk), they are still judged: the SMS
     * is in the system inbox whatever happens here, so an attack must still be announced, as
     * not kept. Throws only if even judging fails, which the core never does for any text.
     */
    fun receive(parts: List<SmsPart>, settings: Settings, lang: Lang): List<Notice> {
        val messages = joinParts(parts)
        if (messages.isEmpty()) return emptyList()
        val names = try {
            ServiceNames.of(gate.services())
        } catch (e: SmishGateException) {
            ServiceNames(emptyMap())
        }
        return try {
            gate.ingestBatch(messages).mapNotNull { planNotice(it, settings, lang, names) }
        } catch (e: SmishGateException) {
            gate.classifyBatch(messages).mapNotNull { planNotice(it, null, kept = false, settings, lang, names) }
        }
    }
}
