// The companion listener driven as Android drives it: the default SMS app's notifications built
// as the SMS apps people use post them (a MessagingStyle conversation; a plain title and text),
// SMS_RECEIVED broadcasts of real PDUs, in either order, the real gate underneath.
package app.smishgate.app

import android.app.Notification
import android.app.NotificationManager
import android.app.Person
import android.content.ClipboardManager
import android.os.Looper
import android.service.notification.StatusBarNotification
import app.smishgate.gateway.CatalogEn
import app.smishgate.gateway.Fix
import app.smishgate.gateway.Gap
import app.smishgate.gateway.Level
import app.smishgate.gateway.CatalogJa
import app.smishgate.gateway.Channel
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.shadows.ShadowNotificationListenerService
import org.robolectric.shadows.ShadowTelephony
import java.time.Duration

private const val SMS_APP = "com.google.android.apps.messaging"

/** An app whose companion waits a fifth of a second, not five, for an SMS that never comes (RCS). */
class QuickGraceApp : SmishApp() {
    override val companionGraceMs = 200L
}

@RunWith(RobolectricTestRunner::class)
class ListenerTest : ShellTest() {
    private val nm get() = app.getSystemService(NotificationManager::class.java)
    private lateinit var listener: CompanionListener
    private var nextId = 1
    private val posted = mutableMapOf<String, StatusBarNotification>()

    @Before
    fun bind() {
        ShadowTelephony.ShadowSms.setDefaultSmsPackage(SMS_APP)
        shadowOf(app).grantPermissions("android.permission.BROADCAST_SMS")
        listener = Robolectric.buildService(CompanionListener::class.java).create().get()
        listener.onListenerConnected()
        settle()
    }

    private fun ours(): List<Notification> = shadowOf(nm).allNotifications

    /** The SMS app's alerts still on show. */
    private fun onShow(): List<StatusBarNotification> = listener.activeNotifications.orEmpty().toList()

    /** A MessagingStyle conversation with [from], as Google Messages posts one. */
    private fun conversation(from: String, vararg texts: String): Notification {
        val me = Person.Builder().setName("Me").build()
        val them = Person.Builder().setName(from).setUri("tel:$from").build()
        val style = Notification.MessagingStyle(me)
        for (t in texts) style.addMessage(t, System.currentTimeMillis(), them)
        return Notification.Builder(app, "sms").setSmallIcon(android.R.drawable.sym_action_chat).setStyle(style).build()
    }

    /** A plain title-and-text alert, as simpler SMS apps post one. */
    private fun plain(from: String, text: String): Notification =
        Notification.Builder(app, "sms").setSmallIcon(android.R.drawable.sym_action_chat).setContentTitle(from).setContentText(text).build()

    /** The SMS app posts [n] (as id [id], so a repost replaces it). */
    private fun post(n: Notification, id: Int = nextId++, pkg: String = SMS_APP): String {
        val key = shadowOf(listener).addActiveNotification(pkg, id, n)
        val sbn = onShow().single { it.key == key }
        posted[key] = sbn
        listener.onNotificationPosted(sbn)
        settle()
        return key
    }

    private fun sms(from: String, text: String, ucs2: Boolean) {
        app.sendBroadcast(Pdus.intent(Pdus.message(from, text, SENT, ucs2 = ucs2)))
        settle()
    }

    private fun title(n: Notification) = n.extras.getCharSequence(Notification.EXTRA_TITLE).toString()
    private fun text(n: Notification) = (n.extras.getCharSequence(Notification.EXTRA_BIG_TEXT) ?: n.extras.getCharSequence(Notification.EXTRA_TEXT)).toString()

    @Test
    fun aLureSmsThenItsAlertTheAlertIsCancelledAndTheHeldNoticePosted() {
        sms("+818012345678", Texts.JA_BANK_LURE, ucs2 = true)
        val key = post(conversation("+818012345678", Texts.JA_BANK_LURE))
        assertTrue("the SMS app's alert is gone", onShow().none { it.key == key })
        val held = ours().single()
        assertEquals(Channel.HELD.id, held.channelId)
        assertTrue(text(held).contains(CatalogEn.stillInSmsApp))
        assertEquals(listOf(CatalogEn.release, CatalogEn.openSmsApp), held.actions.map { it.title.toString() })
    }

    @Test
    fun theAlertFirstThenTheSmsTheAlertIsCancelledWhenTheVerdictLands() {
        val key = post(plain("+12025550143", Texts.EN_DELIVERY_LURE))
        assertTrue("nothing known yet: it stays", onShow().any { it.key == key })
        sms("+12025550143", Texts.EN_DELIVERY_LURE, ucs2 = false)
        assertTrue("cancelled when the verdict landed", onShow().none { it.key == key })
    }

    @Test
    fun aRealMessageIsLeftAlone() {
        sms("+818012345678", Texts.EN_PLAIN, ucs2 = false)
        val key = post(conversation("+818012345678", Texts.EN_PLAIN))
        assertTrue(onShow().any { it.key == key })
        assertTrue(ours().isEmpty())
    }

    @Test
    fun aConversationOfAHeldLureAndARealMessageIsLeftAndTheHeldNoticeSaysSo() {
        sms("+818012345678", Texts.EN_PLAIN, ucs2 = false)
        sms("+818012345678", Texts.JA_BANK_LURE, ucs2 = true)
        val key = post(conversation("+818012345678", Texts.EN_PLAIN, Texts.JA_BANK_LURE))
        assertTrue("a real message in it: the alert stays", onShow().any { it.key == key })
        val held = ours().single()
        assertTrue(text(held), text(held).contains(CatalogEn.alsoShownBeside))
    }

    @Test
    fun aRepostOfTheSameHeldConversationIsCancelledAgain() {
        sms("+818012345678", Texts.JA_BANK_LURE, ucs2 = true)
        val key = post(conversation("+818012345678", Texts.JA_BANK_LURE), id = 42)
        assertTrue(onShow().none { it.key == key })
        listener.onNotificationRemoved(posted.getValue(key))
        settle()
        val again = post(conversation("+818012345678", Texts.JA_BANK_LURE), id = 42)
        assertTrue("the repost is cancelled again", onShow().none { it.key == again })
        assertEquals("announced once", 1, ours().size)
    }

    @Test
    fun anotherAppsNotificationsAreNeverTouched() {
        sms("+818012345678", Texts.JA_BANK_LURE, ucs2 = true)
        val key = post(conversation("+818012345678", Texts.JA_BANK_LURE), pkg = "com.example.chat")
        assertTrue(onShow().any { it.key == key })
    }

    @Test
    @Config(application = QuickGraceApp::class)
    fun anRcsLureNoSmsBroughtIsJudgedOnWhatItShowsCancelledAndSaidToHaveNoCopy() {
        val key = post(conversation("+12025550143", Texts.EN_DELIVERY_LURE))
        assertTrue("it waits for an SMS first", onShow().any { it.key == key })
        Thread.sleep(250)
        shadowOf(Looper.getMainLooper()).idleFor(Duration.ofMillis(300))
        settle()
        assertTrue("judged on what it showed, and cancelled", onShow().none { it.key == key })
        val held = ours().single()
        assertTrue(text(held), text(held).endsWith(CatalogEn.shownOnly))
        assertTrue("no copy: nothing to release", held.actions.orEmpty().none { it.title.toString() == CatalogEn.release })
        assertTrue("no lure is kept", app.gate.quarantineList(null, 10u).items.isEmpty())
    }

    @Test
    @Config(application = QuickGraceApp::class)
    fun anRcsTextThatWouldBeWarnedGetsSmishgatesWarning() {
        val text = "Hi mum, I dropped my phone, this is my new number. Message me on WhatsApp please"
        val key = post(plain("+447700900123", text))
        Thread.sleep(250)
        shadowOf(Looper.getMainLooper()).idleFor(Duration.ofMillis(300))
        settle()
        assertTrue("a warning leaves the alert", onShow().any { it.key == key })
        assertEquals(Channel.WARNING.id, ours().single().channelId)
    }

    @Test
    fun aDisconnectedListenerAsksForARebindAndTheHealthSaysSo() {
        shadowOf(nm).setNotificationListenerAccessGranted(app.health.listener, true)
        assertTrue("granted and connected: no gap of the listener's", app.health.gaps().none { it.kind == Gap.Kind.LISTENER_DISCONNECTED })
        val before = ShadowNotificationListenerService.getRebindRequestCount()
        listener.onListenerDisconnected()
        settle()
        assertEquals(before + 1, ShadowNotificationListenerService.getRebindRequestCount())
        assertFalse(CompanionListener.connected)
        assertTrue(app.health.gaps().any { it.kind == Gap.Kind.LISTENER_DISCONNECTED })
    }

    @Test
    fun withTheTakeoverOnEveryDeliveredMessageIsAnnouncedAndCopyCodeWorks() {
        app.prefs.save(app.prefs.settings().copy(announceAll = true))
        sms("+818012345678", Texts.EN_PLAIN, ucs2 = false)
        val n = ours().single()
        assertEquals(Channel.MESSAGE.id, n.channelId)
        assertEquals(Notification.VISIBILITY_PRIVATE, n.visibility)
        assertFalse("the lock screen shows no text", n.publicVersion.extras.toString().contains("station"))
        val messages = n.extras.getParcelableArray(Notification.EXTRA_MESSAGES)
        assertNotNull("a MessagingStyle notification", messages)
        nm.cancelAll()
        sms("+818012345679", "Your verification code is 482913. It expires in 10 minutes.", ucs2 = false)
        val code = ours().single()
        val copy = code.actions.single { it.title.toString() == CatalogEn.copyCode }
        copy.actionIntent.send()
        settle()
        assertEquals("482913", app.getSystemService(ClipboardManager::class.java).primaryClip!!.getItemAt(0).text.toString())
        assertTrue(code.actions.any { it.title.toString() == CatalogEn.openSmsApp })
    }

    @Test
    @Config(qualifiers = "ja")
    fun onAJapanesePhoneTheHeldNoticeIsJapanese() {
        sms("+818012345678", Texts.JA_BANK_LURE, ucs2 = true)
        post(conversation("+818012345678", Texts.JA_BANK_LURE))
        val held = ours().single()
        assertTrue(title(held), title(held).startsWith("詐欺SMSの疑い"))
        assertTrue(text(held).contains(CatalogJa.stillInSmsApp))
        assertEquals(listOf(CatalogJa.release, CatalogJa.openSmsApp), held.actions.map { it.title.toString() })
    }
}
