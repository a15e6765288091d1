// Protection health as Android reports it: the conditions read from the system, the gaps the
// gateway finds in them (Health.kt), the health notification when they change, and the Intent
// behind each fix button.
package app.smishgate.app

import android.Manifest
import android.app.NotificationManager
import android.content.ComponentName
import android.content.Intent
import android.content.pm.PackageManager
import android.net.Uri
import android.os.Build
import android.provider.Settings
import app.smishgate.gateway.Channel
import app.smishgate.gateway.Conditions
import app.smishgate.gateway.Fix
import app.smishgate.gateway.Gap
import app.smishgate.gateway.gaps
import app.smishgate.gateway.healthNotice

/** Reads the conditions, remembers the last gaps (across processes), and announces a change. */
class HealthWatch(private val app: SmishApp) {
    private val nm = app.getSystemService(NotificationManager::class.java)

    /** The listener's component, which notification access is granted to. */
    val listener = ComponentName(app, CompanionListener::class.java)

    /** What Android says now. */
    fun conditions(): Conditions = Conditions(
        smsPermission = app.checkSelfPermission(Manifest.permission.RECEIVE_SMS) == PackageManager.PERMISSION_GRANTED,
        notificationsEnabled = nm.areNotificationsEnabled(),
        blockedChannels = Channel.entries.filter { nm.getNotificationChannel(it.id)?.importance == NotificationManager.IMPORTANCE_NONE }.toSet(),
        listenerGranted = listenerGranted(),
        listenerConnected = CompanionListener.connected,
        hibernationExempt = if (Build.VERSION.SDK_INT >= 30) app.packageManager.isAutoRevokeWhitelisted else null,
        sideloaded = sideloaded(),
        sdk = Build.VERSION.SDK_INT,
        announceAll = app.prefs.settings().announceAll,
    )

    /** The gaps now. */
    fun gaps(): List<Gap> = gaps(conditions())

    /**
     * Read the conditions and, when they opened a gap or closed the last one since the last
     * reading, post the health notification. Call it at start, when the listener connects or
     * disconnects, and when a screen comes back.
     */
    @Synchronized
    fun check(): List<Gap> {
        val now = gaps()
        val before = app.prefs.lastGaps
        // Called on every screen's return: written only when it changed.
        if (now != before) app.prefs.lastGaps = now
        healthNotice(before, now, app.lang())?.let { Notifier(app).post(it) }
        return now
    }

    private fun listenerGranted(): Boolean = if (Build.VERSION.SDK_INT >= 27) {
        nm.isNotificationListenerAccessGranted(listener)
    } else {
        Settings.Secure.getString(app.contentResolver, "enabled_notification_listeners").orEmpty()
            .split(':').any { ComponentName.unflattenFromString(it) == listener }
    }

    /** Installed from a file (or by an unknown installer), not from a store: restricted settings apply. */
    private fun sideloaded(): Boolean {
        val installer = try {
            if (Build.VERSION.SDK_INT >= 30) {
                app.packageManager.getInstallSourceInfo(app.packageName).installingPackageName
            } else {
                @Suppress("DEPRECATION")
                app.packageManager.getInstallerPackageName(app.packageName)
            }
        } catch (e: Exception) {
            null
        }
        return installer == null || installer in PACKAGE_INSTALLERS
    }

    /** The Intent behind a fix button (GRANT_SMS is the activity's own permission request). */
    fun intent(gap: Gap): Intent? {
        val pkg = app.packageName
        return when (gap.fix) {
            Fix.GRANT_SMS -> null
            Fix.NOTIFICATION_SETTINGS -> Intent(Settings.ACTION_APP_NOTIFICATION_SETTINGS).putExtra(Settings.EXTRA_APP_PACKAGE, pkg)
            Fix.CHANNEL_SETTINGS -> Intent(Settings.ACTION_CHANNEL_NOTIFICATION_SETTINGS)
                .putExtra(Settings.EXTRA_APP_PACKAGE, pkg)
                .putExtra(Settings.EXTRA_CHANNEL_ID, (gap.channel ?: Channel.HELD).id)
            Fix.LISTENER_SETTINGS -> if (Build.VERSION.SDK_INT >= 30) {
                Intent(Settings.ACTION_NOTIFICATION_LISTENER_DETAIL_SETTINGS)
                    .putExtra(Settings.EXTRA_NOTIFICATION_LISTENER_COMPONENT_NAME, listener.flattenToString())
            } else {
                Intent(Settings.ACTION_NOTIFICATION_LISTENER_SETTINGS)
            }
            Fix.KEEP_PERMISSIONS -> Intent(Intent.ACTION_AUTO_REVOKE_PERMISSIONS, Uri.fromParts("package", pkg, null))
            Fix.APP_INFO -> Intent(Settings.ACTION_APPLICATION_DETAILS_SETTINGS, Uri.fromParts("package", pkg, null))
        }?.addFlags(Intent.FLAG_ACTIVITY_NEW_TASK)
    }

    private companion object {
        /** The system's package installers: an app they installed came from a file. */
        val PACKAGE_INSTALLERS = setOf("com.android.packageinstaller", "com.google.android.packageinstaller", "com.android.shell")
    }
}
