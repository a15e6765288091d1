// The first-run screen: what smishgate does and does not do, the permissions it needs, and
// notification access for the companion. It never advises muting the SMS app: smishgate does
// not announce ordinary messages unless the person turns on the takeover in Settings, and only
// then does the Settings screen offer that step.
package app.smishgate.app

import app.smishgate.R
import android.view.View
import app.smishgate.gateway.Gap

/** Shown until the person has read it once. */
class FirstRunScreen(private val a: MainActivity) : Screen {
    override fun view(): View = a.page {
        heading(a.getString(R.string.first_run_title))
        label(a.getString(R.string.first_run_what))
        // A filter that is not the default SMS app cannot remove anything from the inbox.
        label(a.getString(R.string.first_run_inbox), id = R.id.first_run_inbox)
        button(a.getString(R.string.first_run_listener), R.id.first_run_listener) { a.fix(Gap(Gap.Kind.NO_LISTENER)) }
        label(a.getString(R.string.first_run_mute), id = R.id.first_run_mute)
        label(a.getString(R.string.first_run_privacy))
        button(a.getString(R.string.first_run_permissions), R.id.first_run_permissions) { a.askPermissions() }
        button(a.getString(R.string.first_run_continue), R.id.first_run_continue) { a.introduced() }
    }
}
