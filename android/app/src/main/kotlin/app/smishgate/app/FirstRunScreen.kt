// The first-run screen: what smishgate can and cannot do, the permissions it needs, and how to
// make its notifications the ones the person sees.
package app.smishgate.app

import app.smishgate.R
import android.content.Intent
import android.provider.Settings
import android.provider.Telephony
import android.view.View

/** Shown until the person has read it once. */
class FirstRunScreen(private val a: MainActivity) : Screen {
    override fun view(): View = a.page {
        heading(a.getString(R.string.first_run_title))
        label(a.getString(R.string.first_run_what))
        // A filter that is not the default SMS app cannot remove anything from the inbox.
        label(a.getString(R.string.first_run_inbox), id = R.id.first_run_inbox)
        label(a.getString(R.string.first_run_mute))
        button(a.getString(R.string.first_run_open_sms_settings), R.id.first_run_mute) { openSmsAppNotifications() }
        label(a.getString(R.string.first_run_privacy))
        button(a.getString(R.string.first_run_permissions), R.id.first_run_permissions) { a.askPermissions() }
        button(a.getString(R.string.first_run_continue), R.id.first_run_continue) { a.introduced() }
    }

    /** The notification settings of the default SMS app, where its alerts can be turned off. */
    private fun openSmsAppNotifications() {
        val sms = Telephony.Sms.getDefaultSmsPackage(a)
        val i = if (sms != null) {
            Intent(Settings.ACTION_APP_NOTIFICATION_SETTINGS).putExtra(Settings.EXTRA_APP_PACKAGE, sms)
        } else {
            Intent(Settings.ACTION_SETTINGS)
        }
        try {
            a.startActivity(i)
        } catch (e: android.content.ActivityNotFoundException) {
            a.say(a.getString(R.string.first_run_no_settings))
        }
    }
}
