// The notification buttons: Release a held message, Copy a code. Not exported: only the
// PendingIntents the app made reach it.
package app.smishgate.app

import android.content.BroadcastReceiver
import android.content.ClipData
import android.content.ClipDescription
import android.content.ClipboardManager
import android.content.Context
import android.content.Intent
import android.app.NotificationManager
import android.os.Build
import android.os.PersistableBundle
import android.util.Log
import app.smishgate.core.Status
import app.smishgate.gateway.Outcome

/** Does what a notification button says, then removes the notification. */
class ActionReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val app = context.applicationContext as SmishApp
        val notification = intent.getIntExtra(EXTRA_NOTIFICATION, 0)
        val nm = context.getSystemService(NotificationManager::class.java)
        when (intent.action) {
            COPY_CODE -> {
                val code = intent.getStringExtra(EXTRA_CODE) ?: return
                try {
                    copy(context, code)
                    nm.cancel(notification)
                } catch (e: Throwable) {
                    Log.e(SmishApp.TAG, "copy from a notification failed: ${e.javaClass.simpleName}")
                }
            }
            RELEASE -> {
                val id = intent.getStringExtra(EXTRA_ID) ?: return
                val pending = goAsync()
                app.intake.execute {
                    try {
                        val m = (app.quarantine.get(id) as? Outcome.Done)?.value
                        // An old notification of a message since deleted, confirmed as smishing
                        // or released in the app: its Release does nothing but go away.
                        if (m == null || m.status != Status.QUARANTINED || app.quarantine.release(m) is Outcome.Done) {
                            nm.cancel(notification)
                        }
                    } catch (e: Throwable) {
                        // Whatever it was (an Error included), the process lives on.
                        Log.e(SmishApp.TAG, "release from a notification failed: ${e.javaClass.simpleName}")
                    } finally {
                        pending?.finish()
                    }
                }
            }
        }
    }

    companion object {
        const val RELEASE = "app.smishgate.action.RELEASE"
        const val COPY_CODE = "app.smishgate.action.COPY_CODE"
        const val EXTRA_ID = "app.smishgate.extra.ID"
        const val EXTRA_CODE = "app.smishgate.extra.CODE"
        const val EXTRA_NOTIFICATION = "app.smishgate.extra.NOTIFICATION"

        /** Put [code] on the clipboard, marked sensitive so the system's preview does not show it. */
        fun copy(context: Context, code: String) {
            val clip = ClipData.newPlainText("code", code)
            clip.description.extras = PersistableBundle().apply {
                // ClipDescription.EXTRA_IS_SENSITIVE (API 33); the key is honoured from 33 on.
                putBoolean(if (Build.VERSION.SDK_INT >= 33) ClipDescription.EXTRA_IS_SENSITIVE else "android.content.extra.IS_SENSITIVE", true)
            }
            context.getSystemService(ClipboardManager::class.java).setPrimaryClip(clip)
        }
    }
}
