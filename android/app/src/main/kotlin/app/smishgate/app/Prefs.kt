// The person's settings (retention, warnings) and the first-run flag, in SharedPreferences.
package app.smishgate.app

import android.content.Context
import app.smishgate.gateway.Channel
import app.smishgate.gateway.Gap
import app.smishgate.gateway.Settings

/** Reads and writes [Settings]; excluded from every backup like the rest of the app's data. */
class Prefs(context: Context) {
    private val sp = context.getSharedPreferences("smishgate", Context.MODE_PRIVATE)

    /** The settings, with the defaults of [Settings] for what was never set. */
    fun settings(): Settings {
        val d = Settings()
        val days = sp.getInt(RETENTION, d.retentionDays).coerceIn(Settings.RETENTION_DAYS)
        return Settings(
            retentionDays = days,
            notifyWarnings = sp.getBoolean(WARNINGS, d.notifyWarnings),
            announceAll = sp.getBoolean(ANNOUNCE_ALL, d.announceAll),
        )
    }

    fun save(s: Settings) {
        sp.edit().putInt(RETENTION, s.retentionDays).putBoolean(WARNINGS, s.notifyWarnings).putBoolean(ANNOUNCE_ALL, s.announceAll).apply()
    }

    /**
     * The protection gaps at the last reading (null before the first), so that a process
     * started for one SMS announces only what changed since. Kinds and channels only.
     */
    var lastGaps: List<Gap>?
        get() = sp.getString(GAPS, null)?.let { s ->
            s.split(',').filter { it.isNotEmpty() }.mapNotNull { item ->
                val (kind, channel) = item.split(':').let { it[0] to it.getOrNull(1) }
                val k = Gap.Kind.entries.firstOrNull { it.name == kind } ?: return@mapNotNull null
                Gap(k, Channel.entries.firstOrNull { it.name == channel })
            }
        }
        set(v) {
            sp.edit().putString(GAPS, v?.joinToString(",") { g -> g.kind.name + (g.channel?.let { ":" + it.name } ?: "") }).apply()
        }

    /** Whether the first-run screen was read and dismissed. */
    var introduced: Boolean
        get() = sp.getBoolean(INTRODUCED, false)
        set(v) {
            sp.edit().putBoolean(INTRODUCED, v).apply()
        }

    /** The region the gate was first opened in (see SmishApp.open). */
    var region: String?
        get() = sp.getString(REGION, null)
        set(v) {
            sp.edit().putString(REGION, v).apply()
        }

    /** Whether the permissions were asked for once (after a refusal, Settings is the way). */
    var askedPermissions: Boolean
        get() = sp.getBoolean(ASKED, false)
        set(v) {
            sp.edit().putBoolean(ASKED, v).apply()
        }

    /**
     * The next id for a warning or code notification, kept across processes (a process is
     * often started for one SMS and ends after it), so a new one does not replace the last.
     * Below 2^29: held messages' ids live above (Notifier.idOf).
     */
    @Synchronized
    fun nextNoticeId(): Int {
        val id = sp.getInt(NOTICE, 0) % (1 shl 29) + 1
        sp.edit().putInt(NOTICE, id).apply()
        return id
    }

    private companion object {
        const val REGION = "region"
        const val ASKED = "asked_permissions"
        const val NOTICE = "notice_id"
        const val RETENTION = "retention_days"
        const val WARNINGS = "notify_warnings"
        const val INTRODUCED = "introduced"
        const val ANNOUNCE_ALL = "announce_all"
        const val GAPS = "health_gaps"
    }
}
