// Protection health: whether smishgate is protecting the person, fully, partly or not at all,
// and the one button that fixes each gap. Android takes protection away quietly (a permission
// revoked by the person or by unused-app hibernation, a notification channel blocked, the
// listener unbound after an update), and a filter that silently stopped filtering is worse than
// none: the person goes on trusting it. The shell reads the conditions, this decides what they
// mean, and the banner on every screen and the health notification say it.
package app.smishgate.gateway

/** How much protection is left. */
enum class Level {
    /** Everything works. */
    FULL,

    /** Messages are judged, but something the person relies on is missing. */
    PARTIAL,

    /** Nothing is judged, or nothing judged reaches the person. */
    OFF,
}

/** What the person must do to close a gap (the shell turns each into an Intent). */
enum class Fix {
    /** Ask for RECEIVE_SMS (or open the app's page once it was refused for good). */
    GRANT_SMS,

    /** The app's notification settings. */
    NOTIFICATION_SETTINGS,

    /** One channel's settings ([Gap.channel]). */
    CHANNEL_SETTINGS,

    /** Notification access, where the listener is turned on. */
    LISTENER_SETTINGS,

    /** Android's page for "Pause app activity if unused" (Intent.ACTION_AUTO_REVOKE_PERMISSIONS). */
    KEEP_PERMISSIONS,

    /** The app's info page, for App info › ⋮ › Allow restricted settings. */
    APP_INFO,
}

/** One gap in the protection. */
data class Gap(val kind: Kind, val channel: Channel? = null) {
    enum class Kind(val level: Level, val fix: Fix) {
        /** RECEIVE_SMS was never granted or was revoked: no SMS reaches smishgate. */
        NO_SMS(Level.OFF, Fix.GRANT_SMS),

        /** The app's notifications are off: held messages are held in silence. */
        NO_NOTIFICATIONS(Level.OFF, Fix.NOTIFICATION_SETTINGS),

        /** The held messages' channel is blocked: the same, for the notices that matter most. */
        HELD_CHANNEL_BLOCKED(Level.OFF, Fix.CHANNEL_SETTINGS),

        /** Another channel is blocked (warnings, codes, messages). */
        CHANNEL_BLOCKED(Level.PARTIAL, Fix.CHANNEL_SETTINGS),

        /** Notification access is off: the SMS app's alert for a lure stays on the screen. */
        NO_LISTENER(Level.PARTIAL, Fix.LISTENER_SETTINGS),

        /**
         * The same on a sideloaded app (Android 13+), where the system greys the switch out until
         * the person allows restricted settings on the app's info page.
         */
        RESTRICTED_SETTINGS(Level.PARTIAL, Fix.APP_INFO),

        /** Access is on but the system unbound the listener (it asked for a rebind). */
        LISTENER_DISCONNECTED(Level.PARTIAL, Fix.LISTENER_SETTINGS),

        /** Android may take the permissions away if the app is not opened for months. */
        MAY_HIBERNATE(Level.PARTIAL, Fix.KEEP_PERMISSIONS),
    }

    val level: Level get() = kind.level
    val fix: Fix get() = kind.fix
}

/** What the shell read from Android. */
data class Conditions(
    val smsPermission: Boolean,
    val notificationsEnabled: Boolean,
    /** Channels the person blocked (importance none). */
    val blockedChannels: Set<Channel> = emptySet(),
    /** Notification access granted to the listener. */
    val listenerGranted: Boolean,
    /** The listener is bound and connected now. */
    val listenerConnected: Boolean,
    /** Exempt from unused-app permission removal; null below API 30, where there is none. */
    val hibernationExempt: Boolean?,
    /** Installed from a file, not a store (restricted settings apply on API 33+). */
    val sideloaded: Boolean,
    val sdk: Int,
    /** smishgate announces every message (the takeover): a blocked message channel then loses messages. */
    val announceAll: Boolean = false,
)

/** Every gap, the worst first. */
fun gaps(c: Conditions): List<Gap> = buildList {
    if (!c.smsPermission) add(Gap(Gap.Kind.NO_SMS))
    if (!c.notificationsEnabled) {
        add(Gap(Gap.Kind.NO_NOTIFICATIONS))
    } else {
        if (Channel.HELD in c.blockedChannels) add(Gap(Gap.Kind.HELD_CHANNEL_BLOCKED, Channel.HELD))
        for (ch in c.blockedChannels.sortedBy { it.ordinal }) {
            if (ch == Channel.HELD) continue
            // A blocked message channel under the takeover loses real messages: worse than partial.
            add(Gap(if (ch == Channel.MESSAGE && c.announceAll) Gap.Kind.HELD_CHANNEL_BLOCKED else Gap.Kind.CHANNEL_BLOCKED, ch))
        }
    }
    when {
        !c.listenerGranted && c.sideloaded && c.sdk >= 33 -> add(Gap(Gap.Kind.RESTRICTED_SETTINGS))
        !c.listenerGranted -> add(Gap(Gap.Kind.NO_LISTENER))
        !c.listenerConnected -> add(Gap(Gap.Kind.LISTENER_DISCONNECTED))
    }
    if (c.hibernationExempt == false) add(Gap(Gap.Kind.MAY_HIBERNATE))
}.sortedBy { it.level != Level.OFF }

/** The protection left with [gaps]. */
fun level(gaps: List<Gap>): Level = when {
    gaps.any { it.level == Level.OFF } -> Level.OFF
    gaps.isNotEmpty() -> Level.PARTIAL
    else -> Level.FULL
}

/**
 * The health notification when protection changed from [before] to [after], or null: a new gap
 * is announced (the worst of them); closing every gap is announced once; a gap that was already
 * there is not announced again. Nothing is said on the first reading ([before] null): the
 * banner shows it when the app is open, and the first-run screen asked for everything.
 */
fun healthNotice(before: List<Gap>?, after: List<Gap>, lang: Lang): Notice? {
    if (before == null) return null
    val t = lang.text
    val new = after.filter { it !in before }
    val text = when {
        new.isNotEmpty() -> new.joinToString("\n") { t.gap(it) }
        after.isEmpty() && before.isNotEmpty() -> t.protectionRestored
        else -> return null
    }
    return Notice(
        channel = Channel.HEALTH,
        title = t.healthTitle(level(after)),
        text = text,
        publicTitle = t.healthTitle(level(after)),
        actions = emptyList(),
        quarantineId = null,
        code = null,
    )
}
