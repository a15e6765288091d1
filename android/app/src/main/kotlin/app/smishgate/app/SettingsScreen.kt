// The Settings screen: how long held messages are kept, whether warnings notify, and the
// takeover (smishgate announces every message), with which, and only with which, muting the SMS
// app is offered.
package app.smishgate.app

import app.smishgate.R
import android.content.Intent
import android.provider.Telephony
import android.view.View
import android.widget.CheckBox
import app.smishgate.gateway.Settings

/** Retention days (1–3650), the warnings switch and the takeover; saving also deletes what is now too old. */
class SettingsScreen(private val a: MainActivity) : Screen {
    override fun view(): View = a.page {
        val s = a.app.prefs.settings()
        heading(a.getString(R.string.settings_title))
        val days = field(
            a.getString(R.string.settings_retention, Settings.RETENTION_DAYS.first, Settings.RETENTION_DAYS.last),
            R.id.settings_retention,
            s.retentionDays.toString(),
            number = true,
        )
        val warnings = CheckBox(a).apply {
            id = R.id.settings_warnings
            text = a.getString(R.string.settings_warnings)
            isChecked = s.notifyWarnings
        }.also(::addView)
        val announce = CheckBox(a).apply {
            id = R.id.settings_announce_all
            text = a.getString(R.string.settings_announce_all)
            isChecked = s.announceAll
        }.also(::addView)
        // Only a person whose every message smishgate announces may mute the SMS app.
        val muteHint = label(a.getString(R.string.settings_mute_hint), 13f, R.id.settings_mute_hint)
        val mute = button(a.getString(R.string.first_run_open_sms_settings), R.id.settings_mute) { openSmsAppNotifications() }
        fun showMute(on: Boolean) {
            muteHint.visibility = if (on) View.VISIBLE else View.GONE
            mute.visibility = if (on) View.VISIBLE else View.GONE
        }
        showMute(s.announceAll)
        val status = label("", 13f, R.id.screen_status)
        button(a.getString(R.string.save), R.id.settings_save) {
            val n = days.text.toString().trim().toIntOrNull()
            if (n == null || n !in Settings.RETENTION_DAYS) {
                days.error = a.getString(R.string.settings_retention_bad, Settings.RETENTION_DAYS.first, Settings.RETENTION_DAYS.last)
                return@button
            }
            val chosen = Settings(retentionDays = n, notifyWarnings = warnings.isChecked, announceAll = announce.isChecked)
            a.app.prefs.save(chosen)
            showMute(chosen.announceAll)
            a.refreshHealth()
            a.request({ a.app.quarantine.purge(chosen) }) { gone ->
                status.text = a.getString(R.string.settings_saved, gone.toLong())
            }
        }
    }

    /** The notification settings of the default SMS app, where its alerts can be turned off. */
    private fun openSmsAppNotifications() {
        val sms = Telephony.Sms.getDefaultSmsPackage(a)
        val i = if (sms != null) {
            Intent(android.provider.Settings.ACTION_APP_NOTIFICATION_SETTINGS).putExtra(android.provider.Settings.EXTRA_APP_PACKAGE, sms)
        } else {
            Intent(android.provider.Settings.ACTION_SETTINGS)
        }
        try {
            a.startActivity(i)
        } catch (e: android.content.ActivityNotFoundException) {
            a.say(a.getString(R.string.first_run_no_settings))
        }
    }
}
