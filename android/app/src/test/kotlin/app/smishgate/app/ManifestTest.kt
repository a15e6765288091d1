// The manifest as Android reads it (Robolectric parses the merged manifest check.sh linked):
// who may reach which component, and that nothing is backed up.
package app.smishgate.app

import android.content.pm.ApplicationInfo
import android.content.pm.ComponentInfo
import android.content.pm.PackageManager
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner

@RunWith(RobolectricTestRunner::class)
class ManifestTest : ShellTest() {
    private val info = app.packageManager.getPackageInfo(
        app.packageName,
        PackageManager.GET_ACTIVITIES or PackageManager.GET_RECEIVERS or PackageManager.GET_SERVICES or
            PackageManager.GET_PROVIDERS or PackageManager.GET_PERMISSIONS,
    )

    @Test
    fun onlyTheSystemCanDeliverAnSms() {
        val r = info.receivers.single { it.name == SmsReceiver::class.java.name }
        assertEquals("android.permission.BROADCAST_SMS", r.permission)
        assertTrue(r.exported)
    }

    @Test
    fun nothingElseIsExportedButTheLauncher() {
        val components = buildList<ComponentInfo> {
            info.activities?.let { addAll(it) }
            info.receivers?.let { addAll(it) }
            info.services?.let { addAll(it) }
            info.providers?.let { addAll(it) }
        }
        val exported = components.filter { it.exported }.map { it.name }
        assertEquals(setOf(MainActivity::class.java.name, SmsReceiver::class.java.name, CompanionListener::class.java.name), exported.toSet())
        val listener = info.services.single { it.name == CompanionListener::class.java.name }
        assertEquals("only the system binds the companion", "android.permission.BIND_NOTIFICATION_LISTENER_SERVICE", listener.permission)
        val launcher = app.packageManager.getLaunchIntentForPackage(app.packageName)
        assertEquals(MainActivity::class.java.name, launcher?.component?.className)
        val actions = info.receivers.single { it.name == ActionReceiver::class.java.name }
        assertTrue("the notification buttons' receiver is private", !actions.exported)
    }

    @Test
    fun backupsAreOff() {
        assertEquals(0, info.applicationInfo!!.flags and ApplicationInfo.FLAG_ALLOW_BACKUP)
    }

    @Test
    fun itAsksForSmsAndNotificationsOnly() {
        assertEquals(
            setOf("android.permission.RECEIVE_SMS", "android.permission.POST_NOTIFICATIONS"),
            info.requestedPermissions.orEmpty().toSet(),
        )
    }
}
