// The screens driven as a person would: taps on the real views of MainActivity, the gate
// underneath real.
package app.smishgate.app

import app.smishgate.R
import android.app.AlertDialog
import android.content.Intent
import android.net.Uri
import android.view.View
import android.widget.EditText
import android.widget.TextView
import app.smishgate.core.Action
import app.smishgate.core.Kind
import app.smishgate.core.LinkPolicy
import app.smishgate.core.Sms
import app.smishgate.core.Status
import app.smishgate.gateway.CatalogEn
import app.smishgate.gateway.Fix
import app.smishgate.gateway.Level
import app.smishgate.gateway.Gap
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.shadows.ShadowAlertDialog
import java.io.File

@RunWith(RobolectricTestRunner::class)
class ScreensTest : ShellTest() {
    @Before
    fun introduced() {
        app.prefs.introduced = true
    }

    private fun launch(intent: Intent? = null): MainActivity {
        val c = if (intent == null) Robolectric.buildActivity(MainActivity::class.java) else Robolectric.buildActivity(MainActivity::class.java, intent)
        return c.setup().get().also { settle() }
    }

    private fun hold(body: String, sender: String = "+818012345678"): String {
        val d = app.gate.ingest(Sms(sender, body, SENT.toInstant().toEpochMilli()))
        assertEquals(Action.QUARANTINE, d.verdict.action)
        return d.quarantineId!!
    }

    /** What a notification's Review opens: the unexported alias with the message's id. */
    private fun review(id: String) = Intent().setClassName(app, MainActivity.REVIEW).putExtra(MainActivity.EXTRA_MESSAGE, id)

    @Test
    fun anotherAppCannotOpenAMessageThroughTheLauncher() {
        val id = hold(Texts.JA_BANK_LURE)
        val a = launch(Intent(app, MainActivity::class.java).putExtra(MainActivity.EXTRA_MESSAGE, id))
        assertTrue(a.screen is QuarantineScreen)
    }

    private fun MainActivity.tap(id: Int) {
        val v = findViewById<View>(id) ?: error("no view ${resources.getResourceEntryName(id)} on ${screen?.javaClass?.simpleName}")
        assertTrue("${resources.getResourceEntryName(id)} can be tapped", v.isShown && v.isEnabled)
        v.performClick() // false for a radio button or a check box: they have no click listener
        settle()
    }

    private fun MainActivity.text(id: Int): String = findViewById<TextView>(id)?.text?.toString() ?: error("no text view ${resources.getResourceEntryName(id)}")

    private fun MainActivity.openRow(tag: String) {
        val row = window.decorView.findViewWithTag<View>(tag) ?: error("no row $tag")
        assertTrue(row.performClick())
        settle()
    }

    private fun positive() {
        val d = ShadowAlertDialog.getLatestAlertDialog() ?: error("no dialog")
        assertTrue(d.getButton(AlertDialog.BUTTON_POSITIVE).performClick())
        settle()
    }

    @Test
    fun theFirstRunScreenSaysTheInboxIsTheSmsAppsAndLeadsOn() {
        app.prefs.introduced = false
        val a = launch()
        assertTrue(a.screen is FirstRunScreen)
        assertTrue(a.text(R.id.first_run_inbox).contains("smishgate cannot delete them"))
        // It never advises muting the SMS app: it says not to, unless smishgate announces every message.
        assertTrue(a.text(R.id.first_run_mute).startsWith("Do not mute your SMS app"))
        a.tap(R.id.first_run_listener)
        val started = shadowOf(a).nextStartedActivity ?: error("notification access not opened")
        assertEquals(android.provider.Settings.ACTION_NOTIFICATION_LISTENER_DETAIL_SETTINGS, started.action)
        a.tap(R.id.first_run_permissions)
        val asked = shadowOf(a).lastRequestedPermission ?: error("no permission requested")
        // API 34: notifications need a runtime grant as well as SMS.
        assertEquals(setOf("android.permission.RECEIVE_SMS", "android.permission.POST_NOTIFICATIONS"), asked.requestedPermissions.toSet())
        a.tap(R.id.first_run_continue)
        assertTrue(a.screen is QuarantineScreen)
        assertTrue(app.prefs.introduced)
    }

    @Test
    fun aHeldMessageIsListedOpenedAndReleasedFromTheScreen() {
        val id = hold(Texts.JA_BANK_LURE)
        val a = launch()
        a.openRow("msg:$id")
        assertTrue(a.screen is MessageScreen)
        assertEquals(Texts.JA_BANK_LURE, a.text(R.id.message_body))
        assertTrue(a.text(R.id.message_links).contains("smbc-account-verify.com"))
        assertTrue(a.text(R.id.message_reasons).isNotBlank())
        assertNull("a held message's sender cannot be registered", a.findViewById<View>(R.id.action_add_sender))
        a.tap(R.id.action_release)
        assertEquals(Status.RELEASED, app.gate.quarantineGet(id)!!.status)
        assertEquals(a.getString(R.string.status_released), a.text(R.id.message_status))
        assertNull("a released message offers no second release", a.findViewById<View>(R.id.action_release))
        assertNotNull("a released one's can", a.findViewById<View>(R.id.action_add_sender))
    }

    @Test
    fun confirmAndBlockFromTheScreenHoldsTheSendersNextMessage() {
        val id = hold(Texts.EN_DELIVERY_LURE, sender = "+12025550143")
        val a = launch(review(id))
        assertTrue("a notification's Review opens the message", a.screen is MessageScreen)
        a.tap(R.id.action_confirm_block)
        assertEquals(Status.CONFIRMED, app.gate.quarantineGet(id)!!.status)
        val next = app.gate.classify(Sms("+12025550143", Texts.EN_PLAIN, null))
        assertEquals(Action.QUARANTINE, next.action)
        assertEquals(Kind.BLOCKED, next.kind)
    }

    @Test
    fun deleteAsksFirstThenRemovesTheMessage() {
        val id = hold(Texts.JA_BANK_LURE)
        val a = launch(review(id))
        a.tap(R.id.action_delete)
        assertNotNull("still there until the person agrees", app.gate.quarantineGet(id))
        positive()
        assertNull(app.gate.quarantineGet(id))
        assertTrue(a.screen is QuarantineScreen)
    }

    @Test
    fun theListPagesWithMoreAndShowsEveryMessageOnce() {
        val ids = (1..57).map { hold(Texts.EN_DELIVERY_LURE.replace("24h", "${it}h"), sender = "+1202555${1000 + it}") }
        val a = launch()
        fun rows() = ids.count { a.window.decorView.findViewWithTag<View>("msg:$it") != null }
        assertEquals(50, rows())
        assertEquals(View.VISIBLE, a.findViewById<View>(R.id.quarantine_more).visibility)
        a.tap(R.id.quarantine_more)
        assertEquals(57, rows())
        assertEquals(57, (a.findViewById<android.widget.LinearLayout>(R.id.quarantine_list)).childCount)
        assertEquals(View.GONE, a.findViewById<View>(R.id.quarantine_more).visibility)
    }

    private fun MainActivity.fill(id: Int, value: String) {
        findViewById<EditText>(id).setText(value)
    }

    @Test
    fun theServiceFormRefusesAnInvalidDomainOnItsFieldAndSavesNothing() {
        val a = launch()
        a.tap(R.id.tab_services)
        a.tap(R.id.service_add)
        a.fill(R.id.form_id, "mybank")
        a.fill(R.id.form_name, "My Bank")
        a.fill(R.id.form_domains, "https://mybank.example.jp/login")
        a.tap(R.id.form_save)
        val error = a.findViewById<EditText>(R.id.form_domains).error?.toString()
        assertNotNull("the domain field says what is wrong", error)
        assertTrue(error, error!!.contains("without https://"))
        assertTrue(a.screen is ServiceFormScreen)
        assertFalse(app.gate.services().any { it.id == "mybank" })

        // A public suffix passes the form's own check; the gate refuses it, on the same field.
        a.fill(R.id.form_domains, "co.jp")
        a.tap(R.id.form_save)
        assertNotNull(a.findViewById<EditText>(R.id.form_domains).error)
        assertFalse(app.gate.services().any { it.id == "mybank" })

        a.fill(R.id.form_domains, "mybank.example.jp")
        a.tap(R.id.form_links_official)
        a.tap(R.id.form_save)
        assertTrue("saved, back on the list", a.screen is ServicesScreen)
        val saved = app.gate.services().single { it.id == "mybank" }
        assertEquals(listOf("mybank.example.jp"), saved.domains)
        assertEquals(LinkPolicy.OFFICIAL, saved.links)
        assertNotNull(a.window.decorView.findViewWithTag<View>("svc:mybank"))
    }

    @Test
    fun aMalformedRegistryFileIsRefusedWithASentenceAndChangesNothing() {
        val a = launch()
        a.tap(R.id.tab_services)
        val before = app.gate.exportRegistry()
        val f = File.createTempFile("registry", ".json").apply { writeText("{\"format\": 1, \"services\": [ {\"id\": ") }
        (a.screen as ServicesScreen).importFrom(Uri.fromFile(f))
        settle()
        val said = a.text(R.id.screen_status)
        assertTrue(said, said.isNotBlank() && said != a.getString(R.string.imported))
        assertEquals(before, app.gate.exportRegistry())
    }

    @Test
    fun settingsRefuseAnOutOfRangeRetentionAndSaveAValidOne() {
        val a = launch()
        a.tap(R.id.tab_settings)
        a.fill(R.id.settings_retention, "0")
        a.tap(R.id.settings_save)
        assertNotNull(a.findViewById<EditText>(R.id.settings_retention).error)
        assertEquals(90, app.prefs.settings().retentionDays)
        a.fill(R.id.settings_retention, "30")
        a.tap(R.id.settings_warnings)
        a.tap(R.id.settings_save)
        assertEquals(30, app.prefs.settings().retentionDays)
        assertFalse(app.prefs.settings().notifyWarnings)
    }

    @Test
    @Config(qualifiers = "ja")
    fun onAJapanesePhoneTheScreensAndTheirRefusalsAreJapanese() {
        val a = launch()
        assertEquals("隔離", (a.findViewById<TextView>(R.id.tab_quarantine)).text.toString())
        a.tap(R.id.tab_services)
        a.tap(R.id.service_add)
        a.fill(R.id.form_id, "My Bank")
        a.fill(R.id.form_name, "マイ銀行")
        a.tap(R.id.form_save)
        val error = a.findViewById<EditText>(R.id.form_id).error?.toString().orEmpty()
        assertTrue(error, error.any { it.code > 0x3000 })
    }

    @Test
    fun backFromAMessageReturnsToTheListThroughPredictiveBack() {
        val id = hold(Texts.JA_BANK_LURE)
        val a = launch(review(id))
        assertTrue(a.screen is MessageScreen)
        val callback = a.backCallback ?: error("no back callback")
        assertTrue("registered while a message is on show", a.backRegistered)
        callback.onBackInvoked()
        settle()
        assertTrue(a.screen is QuarantineScreen)
        assertFalse("from the list, Back leaves the app: the callback is unregistered", a.backRegistered)
    }

    @Test
    fun theLuresTextAndHostsCannotBeSelected() {
        val id = hold(Texts.JA_BANK_LURE)
        val a = launch(review(id))
        for (v in listOf(R.id.message_body, R.id.message_links, R.id.message_reasons)) {
            assertFalse(a.resources.getResourceEntryName(v), a.findViewById<TextView>(v).isTextSelectable)
        }
    }

    @Test
    fun anImportThatChangesABuiltInServiceAsksFirstAndChangesNothingUntilConfirmed() {
        val a = launch()
        a.tap(R.id.tab_services)
        val bank = app.gate.services().first { it.links == LinkPolicy.NEVER && it.domains.isNotEmpty() }
        val before = app.gate.exportRegistry()
        val f = File.createTempFile("registry", ".json").apply {
            writeText("""{"version":1,"services":[{"id":"${bank.id}","name":"${bank.name}","domains":["${bank.id}-login.top"],"links":"official"}]}""")
        }
        (a.screen as ServicesScreen).importFrom(Uri.fromFile(f))
        settle()
        val d = ShadowAlertDialog.getLatestAlertDialog() ?: error("no confirmation")
        val said = shadowOf(d).message.toString()
        assertTrue(said, said.contains("${bank.id}-login.top"))
        assertEquals("nothing changed until confirmed", before, app.gate.exportRegistry())
        positive()
        assertTrue(app.gate.services().first { it.id == bank.id }.domains.contains("${bank.id}-login.top"))
    }

    @Test
    fun aNewServiceOfThePersonsOwnIsImportedWithoutAsking() {
        val a = launch()
        a.tap(R.id.tab_services)
        val f = File.createTempFile("registry", ".json").apply {
            writeText("""{"version":1,"services":[{"id":"mybank","name":"My Bank","domains":["mybank.co.jp"],"links":"never"}]}""")
        }
        (a.screen as ServicesScreen).importFrom(Uri.fromFile(f))
        settle()
        assertTrue(a.text(R.id.screen_status).contains("My Bank"))
        assertTrue(app.gate.services().any { it.id == "mybank" })
    }

    @Test
    fun theHealthBannerSaysWhatIsOffAndItsButtonFixesIt() {
        shadowOf(app).grantPermissions("android.permission.RECEIVE_SMS", "android.permission.POST_NOTIFICATIONS")
        val a = launch()
        // No notification access on this emulated phone, where no store installed the app:
        // partial protection, and the restricted-settings step to it.
        assertEquals(View.VISIBLE, a.findViewById<View>(R.id.health_banner).visibility)
        assertTrue(a.text(R.id.health_text).contains("Allow restricted settings"))
        a.tap(R.id.health_fix)
        assertEquals(android.provider.Settings.ACTION_APPLICATION_DETAILS_SETTINGS, shadowOf(a).nextStartedActivity?.action)
        // SMS permission revoked: protection off, said first.
        shadowOf(app).denyPermissions("android.permission.RECEIVE_SMS")
        a.refreshHealth()
        settle()
        assertTrue(a.text(R.id.health_text).startsWith(CatalogEn.healthTitle(Level.OFF)))
        assertEquals(CatalogEn.fix(Fix.GRANT_SMS), a.text(R.id.health_fix))
    }

    @Test
    fun mutingTheSmsAppIsOfferedOnlyWithTheTakeoverOn() {
        val a = launch()
        a.tap(R.id.tab_settings)
        assertEquals(View.GONE, a.findViewById<View>(R.id.settings_mute).visibility)
        a.tap(R.id.settings_announce_all)
        a.tap(R.id.settings_save)
        assertTrue(app.prefs.settings().announceAll)
        assertEquals(View.VISIBLE, a.findViewById<View>(R.id.settings_mute).visibility)
    }
}
