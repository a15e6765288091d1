// The Settings screen: how long held messages are kept, and whether warnings notify.
package app.smishgate.app

import app.smishgate.R
import android.view.View
import android.widget.CheckBox
import app.smishgate.gateway.Settings

/** Retention days (1–3650) and the warnings switch; saving also deletes what is now too old. */
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
        val status = label("", 13f, R.id.screen_status)
        button(a.getString(R.string.save), R.id.settings_save) {
            val n = days.text.toString().trim().toIntOrNull()
            if (n == null || n !in Settings.RETENTION_DAYS) {
                days.error = a.getString(R.string.settings_retention_bad, Settings.RETENTION_DAYS.first, Settings.RETENTION_DAYS.last)
                return@button
            }
            val chosen = Settings(retentionDays = n, notifyWarnings = warnings.isChecked)
            a.app.prefs.save(chosen)
            a.request({ a.app.quarantine.purge(chosen) }) { gone ->
                status.text = a.getString(R.string.settings_saved, gone.toLong())
            }
        }
    }
}
