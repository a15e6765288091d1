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
import app.smishgate.gateway.Channel
import app.smishgate.gateway.Notice
import app.smishgate.gateway.NoticeAction
import java.util.concurrent.atomic.AtomicInteger

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
        val id = notice.quarantineId?.let(::idOf) ?: next.incrementAndGet()
        val t = (context.applicationContext as SmishApp).lang().text
        val public = Notification.Builder(context, notice.channel.id)
            .setSmallIcon(R.drawable.ic_shield)
            .setContentTitle(notice.publicTitle)
            .build()
        val b = Notification.Builder(context, notice.channel.id)
            .setSmallIcon(R.drawable.ic_shield)
            .setContentTitle(notice.title)
            .setContentText(notice.text)
            .setStyle(Notification.BigTextStyle().bigText(notice.text))
            .setVisibility(Notification.VISIBILITY_PRIVATE)
            .setPublicVersion(public)
            .setCategory(if (notice.channel == Channel.CODE) Notification.CATEGORY_MESSAGE else Notification.CATEGORY_STATUS)
            .setAutoCancel(true)
            .setContentIntent(open(notice.quarantineId, id))
        for (a in notice.actions) {
            val (label, intent) = when (a) {
                NoticeAction.REVIEW -> t.review to open(notice.quarantineId, id)
                NoticeAction.RELEASE -> t.release to broadcast(ActionReceiver.RELEASE, id) {
                    putExtra(ActionReceiver.EXTRA_ID, notice.quarantineId)
                }
                NoticeAction.COPY_CODE -> t.copyCode to broadcast(ActionReceiver.COPY_CODE, id) {
                    putExtra(ActionReceiver.EXTRA_CODE, notice.code)
                }
            }
            b.addAction(Notification.Action.Builder(Icon.createWithResource(context, R.drawable.ic_shield), label, intent).build())
        }
        nm.notify(id, b.build())
    }

    /** The app, opened on the held message [quarantineId] when there is one. */
    private fun open(quarantineId: String?, notificationId: Int): PendingIntent {
        val i = Intent(context, MainActivity::class.java).addFlags(Intent.FLAG_ACTIVITY_NEW_TASK or Intent.FLAG_ACTIVITY_CLEAR_TOP)
        if (quarantineId != null) i.putExtra(MainActivity.EXTRA_MESSAGE, quarantineId)
        return PendingIntent.getActivity(context, notificationId, i, FLAGS)
    }

    /** A button's broadcast to our own, unexported [ActionReceiver]. */
    private fun broadcast(action: String, notificationId: Int, extras: Intent.() -> Unit): PendingIntent {
        val i = Intent(context, ActionReceiver::class.java).setAction(action)
            .putExtra(ActionReceiver.EXTRA_NOTIFICATION, notificationId)
            .apply(extras)
        return PendingIntent.getBroadcast(context, notificationId * 4 + action.length % 4, i, FLAGS)
    }

    companion object {
        /** Immutable: nothing that receives one of our PendingIntents can change where it goes. */
        private const val FLAGS = PendingIntent.FLAG_IMMUTABLE or PendingIntent.FLAG_UPDATE_CURRENT

        private val next = AtomicInteger(1 shl 20)

        /** A held message's notification id: the same record, the same notification. */
        fun idOf(quarantineId: String): Int = quarantineId.hashCode() and 0x7FFFFFFF or (1 shl 30)
    }
}
