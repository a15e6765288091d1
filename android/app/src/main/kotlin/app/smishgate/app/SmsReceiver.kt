// SMS_RECEIVED in: the PDUs of the broadcast read on the main thread (cheap), then judged,
// stored and announced on the intake thread while the broadcast is kept alive with goAsync().
package app.smishgate.app

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import android.provider.Telephony
import android.telephony.SmsMessage
import android.util.Log
import app.smishgate.gateway.SmsPart
import app.smishgate.gateway.concatOf
import app.smishgate.gateway.plausibleTime
import app.smishgate.gateway.uncheckedNotice

/**
 * Receives every SMS (the manifest requires the sender to hold BROADCAST_SMS, which only the
 * system does). It cannot remove the message from the inbox: it holds a copy in quarantine and
 * notifies.
 */
class SmsReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        if (intent.action != Telephony.Sms.Intents.SMS_RECEIVED_ACTION) return
        val parts = partsOf(intent)
        if (parts.isEmpty()) return
        val app = context.applicationContext as SmishApp
        // Keeps the process alive until finish(), for at most about 10 s: far more than a
        // batch takes (the gate judges and stores a message in well under a millisecond).
        val pending = goAsync()
        app.intake.execute {
            try {
                val lang = app.lang()
                val notices = try {
                    // A gate that will not open still judges: Intake falls back to the
                    // built-in classifier, and the message is announced as not kept.
                    app.intake().receive(parts, app.prefs.settings(), lang)
                } catch (e: Throwable) {
                    // Not even that (the native library did not load): the SMS is in the inbox
                    // unchecked, and the person must know. Nothing here may name its sender or text.
                    Log.e(SmishApp.TAG, "a received SMS was not judged: ${e.javaClass.simpleName}")
                    listOf(uncheckedNotice(lang))
                }
                val notifier = Notifier(app)
                notices.forEach(notifier::post)
                // The SMS app's alert for it may be on show already: the companion looks again.
                CompanionListener.active?.rescan()
            } catch (e: Throwable) {
                // A bug, not the message's fault: never a dead process for an SMS.
                Log.e(SmishApp.TAG, "a received SMS failed: ${e.javaClass.simpleName}")
            } finally {
                pending?.finish()
            }
        }
    }

    companion object {
        /**
         * The parts of a broadcast. Parts are joined by their originating address (the same on
         * every part), and the message shows its first part's display address: a message from
         * an e-mail-to-SMS gateway carries the e-mail address it came from on part 1 only. The
         * body is the display one; the concatenation header is read from the 3GPP PDU itself.
         */
        fun partsOf(intent: Intent, nowMs: Long = System.currentTimeMillis()): List<SmsPart> {
            val format = intent.getStringExtra("format")
            val messages: Array<SmsMessage?> = Telephony.Sms.Intents.getMessagesFromIntent(intent) ?: return emptyList()
            return messages.filterNotNull().map { m ->
                val concat = if (format == "3gpp2") null else m.pdu?.let(::concatOf)
                SmsPart(
                    sender = m.originatingAddress.orEmpty(),
                    shownAs = m.displayOriginatingAddress,
                    body = m.displayMessageBody.orEmpty(),
                    timestampMs = plausibleTime(m.timestampMillis, nowMs),
                    reference = concat?.reference,
                    index = concat?.index,
                    count = concat?.count,
                )
            }
        }
    }
}
