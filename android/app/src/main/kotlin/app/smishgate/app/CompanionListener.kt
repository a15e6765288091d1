// The companion: a notification listener that takes the default SMS app's alert away for a
// message smishgate holds, and only for one. What to take away is the gateway's decision
// (Companion.kt, on the JVM and tested there); this reads the notifications as Android gives
// them and carries the plan out.
package app.smishgate.app

import android.app.Notification
import android.app.Person
import android.content.ComponentName
import android.os.Build
import android.os.Bundle
import android.os.Handler
import android.os.Looper
import android.os.Parcelable
import android.provider.Telephony
import android.service.notification.NotificationListenerService
import android.service.notification.StatusBarNotification
import android.util.Log
import app.smishgate.core.Sms
import app.smishgate.gateway.Kept
import app.smishgate.gateway.Plan
import app.smishgate.gateway.ServiceNames
import app.smishgate.gateway.Shown
import app.smishgate.gateway.ShownMessage
import app.smishgate.gateway.isRedaction
import app.smishgate.gateway.planNotice

/**
 * Bound by the system once the person grants notification access (the manifest requires
 * BIND_NOTIFICATION_LISTENER_SERVICE, which only the system holds). Looks only at the default
 * SMS app's notifications, and keeps nothing of what they show: the gateway keeps keyed
 * digests for a few minutes, and nothing reaches a log.
 */
class CompanionListener : NotificationListenerService() {
    private val app: SmishApp get() = application as SmishApp
    private val main = Handler(Looper.getMainLooper())

    override fun onListenerConnected() {
        active = this
        app.intake.execute {
            guarded("connect") {
                app.health.check()
                rescanNow()
            }
        }
    }

    override fun onListenerDisconnected() {
        if (active === this) active = null
        app.companion.clear()
        app.intake.execute { guarded("disconnect") { app.health.check() } }
        // The system unbinds a listener after a crash or an update; ask to be bound again.
        if (Build.VERSION.SDK_INT >= 24) requestRebind(ComponentName(this, CompanionListener::class.java))
    }

    override fun onNotificationPosted(sbn: StatusBarNotification) {
        if (!fromSmsApp(sbn)) return
        val shown = read(sbn)
        app.intake.execute { guarded("posted") { act(app.companion.posted(shown, System.currentTimeMillis())) } }
    }

    override fun onNotificationRemoved(sbn: StatusBarNotification) {
        if (!fromSmsApp(sbn)) return
        val key = sbn.key
        app.intake.execute { guarded("removed") { app.companion.removed(key) } }
    }

    /** Look at every SMS-app notification on show again (a verdict landed, or a grace period ended). */
    fun rescan() {
        app.intake.execute { guarded("rescan") { rescanNow() } }
    }

    private fun rescanNow() {
        val now = System.currentTimeMillis()
        val on = try {
            activeNotifications.orEmpty()
        } catch (e: RuntimeException) {
            // Not bound (a disconnect raced this), or the system refused: nothing to look at.
            emptyArray()
        }
        val sms = defaultSmsPackage()
        for (sbn in on) if (fromSmsApp(sbn, sms)) act(app.companion.posted(read(sbn), now))
    }

    /** Carry a plan out: cancel, tell the person what was judged or left, look again later. */
    private fun act(plan: Plan) {
        if (plan.idle) return
        if (plan.cancel) cancelNotification(plan.key)
        val notifier = Notifier(app)
        val lang = app.lang()
        val settings = app.prefs.settings()
        // The service names only when a notice is posted: a plain cancel reads nothing.
        val names by lazy {
            try {
                ServiceNames.of(app.gate.services())
            } catch (e: Exception) {
                ServiceNames(emptyMap())
            }
        }
        for (v in plan.unkept) planNotice(v, null, Kept.SHOWN_ONLY, settings, lang, names)?.let(notifier::post)
        // A warning about a text the SMS app shows itself: the text is there, the warning is ours.
        for (v in plan.warnings) planNotice(v, null, Kept.SHOWN_ONLY, settings.copy(announceAll = false, notifyWarnings = true), lang, names)?.let(notifier::post)
        for (id in plan.alsoShownBeside) {
            val m = try {
                app.gate.quarantineGet(id)
            } catch (e: Exception) {
                null
            } ?: continue
            val sms = Sms(m.sender, m.body, m.receivedAtMs)
            planNotice(m.verdict, m.id, Kept.STORED, settings, lang, names, sms, alsoShownBeside = true)?.let(notifier::post)
        }
        plan.recheckAtMs?.let { at ->
            main.postDelayed({ rescan() }, (at - System.currentTimeMillis()).coerceIn(0, app.companion.graceMs) + 50)
        }
    }

    private fun defaultSmsPackage(): String? = try {
        Telephony.Sms.getDefaultSmsPackage(this)
    } catch (e: RuntimeException) {
        null
    }

    /** Whether [sbn] is a message alert of the default SMS app [sms] (not a group's summary). */
    private fun fromSmsApp(sbn: StatusBarNotification, sms: String? = defaultSmsPackage()): Boolean =
        sms != null && sbn.packageName == sms && sbn.notification.flags and Notification.FLAG_GROUP_SUMMARY == 0

    /** A failure here is a bug: logged by its kind only, never the process's end. */
    private inline fun guarded(what: String, block: () -> Unit) {
        try {
            block()
        } catch (e: Throwable) {
            Log.e(SmishApp.TAG, "companion $what failed: ${e.javaClass.simpleName}")
        }
    }

    companion object {
        /** The bound listener, for the receiver to ask for a rescan when a verdict lands. */
        @Volatile
        var active: CompanionListener? = null
            private set

        /** Whether the system has the listener bound and connected now. */
        val connected: Boolean get() = active != null

        /**
         * What a notification shows: a MessagingStyle conversation's messages (with their
         * senders and times), else the lines of an inbox-style summary, else its big or plain
         * text; and the conversation's title. A text the system hid from listeners (a one-time
         * code, Android 15 and later) is marked redacted.
         */
        fun read(sbn: StatusBarNotification): Shown {
            val x = sbn.notification.extras
            val title = (x.getCharSequence(Notification.EXTRA_CONVERSATION_TITLE) ?: x.getCharSequence(Notification.EXTRA_TITLE))?.toString()
            val messages = messagesOf(x).ifEmpty {
                val lines = x.getCharSequenceArray(Notification.EXTRA_TEXT_LINES)
                if (!lines.isNullOrEmpty()) {
                    lines.map { shown(null, it?.toString(), null) }
                } else {
                    val text = (x.getCharSequence(Notification.EXTRA_BIG_TEXT) ?: x.getCharSequence(Notification.EXTRA_TEXT))?.toString()
                    listOf(shown(title, text, sbn.notification.`when`.takeIf { it > 0 }))
                }
            }
            return Shown(sbn.key, sbn.postTime, title, messages)
        }

        private fun shown(sender: String?, text: String?, time: Long?) =
            ShownMessage(sender, text, time, redacted = text != null && isRedaction(text))

        @Suppress("DEPRECATION")
        private fun messagesOf(x: Bundle): List<ShownMessage> {
            val raw: Array<Parcelable> = x.getParcelableArray(Notification.EXTRA_MESSAGES) ?: return emptyList()
            return raw.mapNotNull { it as? Bundle }.map { b ->
                val person = if (Build.VERSION.SDK_INT >= 28) b.getParcelable<Person>("sender_person") else null
                // A contact's number is in its uri ("tel:…"); its name is what is shown.
                val sender = person?.uri?.removePrefix("tel:")?.takeIf { it.isNotBlank() }
                    ?: person?.name?.toString()
                    ?: b.getCharSequence("sender")?.toString()
                shown(sender, b.getCharSequence("text")?.toString(), b.getLong("time").takeIf { it > 0 })
            }
        }
    }
}
