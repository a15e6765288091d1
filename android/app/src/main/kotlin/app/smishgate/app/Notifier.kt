// A gateway Notice made into an Android notification, and nothing more: what to say and which
// buttons to offer was decided by the gateway module (Notices.kt), on the JVM and tested there.
package app.smishgate.app

import app.smishgate.R
import android.app.Notification
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.graphics.drawable.Icon
import android.os.Build
import app.smishgate.gateway.Channel
import app.smishgate.gateway.Notice
import app.smishgate.gateway.NoticeAction

/** Posts notices. A held message's notification id comes from its record, so a redelivery replaces it. */
class Notifier(private val context: Context) {
    private val nm = context.getSystemService(NotificationManager::class.java)

    /**
     * Post [notice]. Its full text shows only on an unlocked phone (VISIBILITY_PRIVATE); the
     * lock screen shows the public version, a title with no body, code or reason, and no
     * buttons.
     */
    fun post(notice: Notice) {
        if (!nm.areNotificationsEnabled()) return
        val app = context.applicationContext as SmishApp
        val id = notice.quarantineId?.let(::idOf) ?: app.prefs.nextNoticeId()
        val t = app.lang().text
        val public = Notification.Builder(context, notice.channel.id)
            .setSmallIcon(R.drawable.ic_shield)
            .setContentTitle(notice.publicTitle)
            .build()
        val message = notice.body != null
        val b = Notification.Builder(context, notice.channel.id)
            .setSmallIcon(R.drawable.ic_shield)
            .setContentTitle(notice.title)
            .setContentText(notice.text)
            .setVisibility(Notification.VISIBILITY_PRIVATE)
            .setPublicVersion(public)
            .setCategory(if (notice.channel == Channel.CODE || message) Notification.CATEGORY_MESSAGE else Notification.CATEGORY_STATUS)
            .setAutoCancel(true)
            // A message notification opens its conversation in the SMS app, where it is; the
            // others open smishgate (a held one on its review).
            .setContentIntent(if (message) smsApp(notice.sender, id) ?: open(null, id) else open(notice.quarantineId, id))
        if (message && Build.VERSION.SDK_INT >= 28) {
            // The takeover: the message itself, as a messaging app shows it, smishgate's notes
            // (a warning's reason) as the conversation's title.
            val from = android.app.Person.Builder().setName(notice.sender ?: "").build()
            val me = android.app.Person.Builder().setName(t.you).build()
            val style = Notification.MessagingStyle(me)
            if (notice.text != notice.body) style.setConversationTitle(notice.title)
            style.addMessage(notice.body, notice.receivedAtMs ?: System.currentTimeMillis(), from)
            b.setStyle(style)
        } else {
            b.setStyle(Notification.BigTextStyle().bigText(notice.text))
        }
        for (a in notice.actions) {
            val (label, intent) = when (a) {
                NoticeAction.OPEN_SMS_APP -> t.openSmsApp to (smsApp(notice.sender, id) ?: continue)
                NoticeAction.REVIEW -> t.review to open(notice.quarantineId, id)
                NoticeAction.RELEASE -> t.release to broadcast(ActionReceiver.RELEASE, id) {
                    putExtra(ActionReceiver.EXTRA_ID, notice.quarantineId)
                }
                NoticeAction.COPY_CODE -> t.copyCode to broadcast(ActionReceiver.COPY_CODE, id) {
                    putExtra(ActionReceiver.EXTRA_CODE, notice.code)
                }
            }
            val action = Notification.Action.Builder(Icon.createWithResource(context, R.drawable.ic_shield), label, intent)
            // Release and Copy code act without opening the app: on a locked phone that shows
            // notification contents, they must ask for the unlock first (API 31+).
            if (Build.VERSION.SDK_INT >= 31 && a != NoticeAction.REVIEW && a != NoticeAction.OPEN_SMS_APP) action.setAuthenticationRequired(true)
            b.addAction(action.build())
        }
        nm.notify(id, b.build())
    }

    /**
     * The app, opened on the held message [quarantineId] when there is one: through the
     * unexported Review alias, the only way in that MainActivity takes a message id from.
     */
    private fun open(quarantineId: String?, notificationId: Int): PendingIntent {
        val i = Intent().setClassName(context, MainActivity.REVIEW)
            .addFlags(Intent.FLAG_ACTIVITY_NEW_TASK or Intent.FLAG_ACTIVITY_CLEAR_TOP)
        if (quarantineId != null) i.putExtra(MainActivity.EXTRA_MESSAGE, quarantineId)
        return PendingIntent.getActivity(context, notificationId, i, FLAGS)
    }

    /**
     * The conversation with [sender] in the default SMS app, or null when there is no sender or
     * no SMS app. Opening it needs no unlock beyond the one the SMS app asks for itself.
     */
    private fun smsApp(sender: String?, notificationId: Int): PendingIntent? {
        if (sender.isNullOrBlank()) return null
        android.provider.Telephony.Sms.getDefaultSmsPackage(context) ?: return null
        // Implicit: the sms: scheme is the default SMS app's to handle (a package-targeted intent
        // would need a <queries> entry for it on API 30+).
        val i = Intent(Intent.ACTION_VIEW, android.net.Uri.fromParts("sms", sender, null))
            .addFlags(Intent.FLAG_ACTIVITY_NEW_TASK)
        // The same request code as the notification's others: its intent's action and data tell it apart.
        return PendingIntent.getActivity(context, notificationId, i, FLAGS)
    }

    /** A button's broadcast to our own, unexported [ActionReceiver]. */
    private fun broadcast(action: String, notificationId: Int, extras: Intent.() -> Unit): PendingIntent {
        val i = Intent(context, ActionReceiver::class.java).setAction(action)
            .putExtra(ActionReceiver.EXTRA_NOTIFICATION, notificationId)
            .apply(extras)
        // The same request code as the notification's activity intent: a PendingIntent is told
        // apart by its kind and its intent's action too.
        return PendingIntent.getBroadcast(context, notificationId, i, FLAGS)
    }

    companion object {
        /** Immutable: nothing that receives one of our PendingIntents can change where it goes. */
        private const val FLAGS = PendingIntent.FLAG_IMMUTABLE or PendingIntent.FLAG_UPDATE_CURRENT

        /**
         * A held message's notification id: the same record, the same notification. Record
         * ids are numbers; they map one to one onto 2^30 and above (warnings and codes are
         * below 2^29, Prefs.nextNoticeId).
         */
        fun idOf(quarantineId: String): Int {
            val n = quarantineId.toLongOrNull() ?: quarantineId.hashCode().toLong()
            return (n and 0x3FFFFFFF).toInt() or (1 shl 30)
        }
    }
}
