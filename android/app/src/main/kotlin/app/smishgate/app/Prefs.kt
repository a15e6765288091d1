// The person's settings (retention, warnings) and the first-run flag, in SharedPreferences.
package app.smishgate.app

import android.content.Context
import app.smishgate.gateway.Settings

/** Reads and writes [Settings]; excluded from every backup like the rest of the app's data. */
class Prefs(context: Context) {
    private val sp = context.getSharedPreferences("smishgate", Context.MODE_PRIVATE)

    /** The settings, with the defaults of [Settings] for what was never set. */
    fun settings(): Settings {
        val d = Settings()
        val days = sp.getInt(RETENTION, d.retentionDays).coerceIn(Settings.RETENTION_DAYS)
        return Settings(retentionDays = days, notifyWarnings = sp.getBoolean(WARNINGS, d.notifyWarnings))
    }

    fun save(s: Settings) {
        sp.edit().putInt(RETENTION, s.retentionDays).putBoolean(WARNINGS, s.notifyWarnings).apply()
    }

    /** Whether the first-run screen was read and dismissed. */
    var introduced: Boolean
        get() = sp.getBoolean(INTRODUCED, false)
        set(v) {
            sp.edit().putBoolean(INTRODUCED, v).apply()
        }

    private companion object {
        const val RETENTION = "retention_days"
        const val WARNINGS = "notify_warnings"
        const val INTRODUCED = "introduced"
    }
}
