package app.smishgate.gateway

import app.smishgate.core.Action
import app.smishgate.core.Decision
import app.smishgate.core.Kind
import app.smishgate.core.LinkPolicy
import app.smishgate.core.Reason
import app.smishgate.core.ReasonCode
import app.smishgate.core.Service
import app.smishgate.core.Sms
import app.smishgate.core.Verdict
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Which notification each verdict raises, with what words, on the lock screen and off it. */
class NoticeTest {
    private val gates = Gates()

    @AfterEach
    fun cleanUp() = gates.close()

    private val names = ServiceNames(mapOf("sbi-sec" to "SBI証券", "exbank" to "Example Bank"))
    private val reason = Reason(ReasonCode.LOOKALIKE_DOMAIN, "It links to sbisec-co-jp.xyz, not SBI's site.", "SBI証券のものではない sbisec-co-jp.xyz へのリンクです。")

    private fun verdict(action: Action, kind: Kind, service: String? = null, otp: String? = null) =
        Verdict(action, kind, service, otp, emptyList(), listOf(reason))

    /** (action, kind, service, code) → the channel it notifies on, or null for none. */
    private val table: List<Pair<Verdict, Channel?>> = listOf(
        verdict(Action.QUARANTINE, Kind.LOOKALIKE_DOMAIN, "sbi-sec") to Channel.HELD,
        verdict(Action.QUARANTINE, Kind.IMPERSONATION, "sbi-sec") to Channel.HELD,
        verdict(Action.QUARANTINE, Kind.SPOOFED_SENDER, "sbi-sec") to Channel.HELD,
        verdict(Action.QUARANTINE, Kind.OTP_PHISHING, "sbi-sec", "123456") to Channel.HELD,
        verdict(Action.QUARANTINE, Kind.BLOCKED) to Channel.HELD,
        verdict(Action.QUARANTINE, Kind.SUSPICIOUS_LINK) to Channel.HELD,
        verdict(Action.WARN, Kind.SUSPICIOUS_LINK) to Channel.WARNING,
        verdict(Action.WARN, Kind.UNVERIFIED_CLAIM, "sbi-sec") to Channel.WARNING,
        verdict(Action.WARN, Kind.CALLBACK_LURE) to Channel.WARNING,
        verdict(Action.WARN, Kind.SUSPICIOUS_TEXT) to Channel.WARNING,
        verdict(Action.WARN, Kind.OFF_POLICY, "exbank") to Channel.WARNING,
        verdict(Action.DELIVER, Kind.TRUSTED, "exbank", "482913") to Channel.CODE,
        verdict(Action.DELIVER, Kind.TRUSTED, "exbank") to null,
        verdict(Action.DELIVER, Kind.OTP, "sbi-sec", "482913") to null,
        verdict(Action.DELIVER, Kind.OTP, null, "482913") to null,
        verdict(Action.DELIVER, Kind.CLEAN) to null,
        verdict(Action.DELIVER, Kind.OFF_POLICY, "exbank") to null,
    )

    @Test
    fun `every action and kind notifies on its channel or not at all`() {
        val kinds = table.map { it.first.kind }.toSet()
        for (k in Kind.entries) {
            assertTrue(k in kinds, "table misses kind $k")
        }
        for (lang in Lang.entries) {
            for ((v, channel) in table) {
                val n = planNotice(Decision(v, "17".takeIf { v.action == Action.QUARANTINE }), Settings(), lang, names)
                assertEquals(channel, n?.channel, "$lang ${v.action} ${v.kind}")
                if (n == null) continue
                // The lock screen shows no code, no reason, no service name.
                for (secret in listOfNotNull(v.otp, reason.en, reason.ja, names.of(v.service))) {
                    assertFalse(n.publicTitle.contains(secret) && channel != Channel.CODE, "$lang ${v.kind}: public shows $secret")
                }
                v.otp?.let { assertFalse(n.publicTitle.contains(it), "$lang: public shows the code") }
                when (channel) {
                    Channel.HELD -> {
                        assertEquals(listOf(NoticeAction.RELEASE), n.actions, "no sender given: no Open in SMS app")
                        assertTrue(n.text.endsWith(lang.text.stillInSmsApp), "it says where the message still is")
                        assertEquals("17", n.quarantineId)
                        assertTrue(n.title.contains(reason.text(lang)), n.title)
                        names.of(v.service)?.let { assertTrue(n.title.contains(it), n.title) }
                    }
                    Channel.WARNING -> assertEquals(reason.text(lang), n.text)
                    Channel.CODE -> {
                        assertEquals(listOf(NoticeAction.COPY_CODE), n.actions)
                        assertEquals(v.otp, n.code)
                        assertTrue(n.title.contains("Example Bank"))
                    }
                    Channel.MESSAGE, Channel.HEALTH, null -> {}
                }
            }
        }
    }

    @Test
    fun `warnings notify only when the person wants them, held messages always`() {
        val quiet = Settings(notifyWarnings = false)
        assertNull(planNotice(Decision(verdict(Action.WARN, Kind.SUSPICIOUS_LINK), null), quiet, Lang.EN, names))
        assertNotNull(planNotice(Decision(verdict(Action.QUARANTINE, Kind.BLOCKED), "3"), quiet, Lang.EN, names))
    }

    @Test
    fun `a duplicate was announced the first time, and a message not kept says so without actions`() {
        assertNull(planNotice(Decision(verdict(Action.QUARANTINE, Kind.BLOCKED), "3", duplicate = true), Settings(), Lang.EN, names))
        val n = planNotice(verdict(Action.QUARANTINE, Kind.LOOKALIKE_DOMAIN, "sbi-sec"), null, kept = false, Settings(), Lang.JA, names)!!
        assertEquals(Channel.HELD, n.channel)
        assertEquals(emptyList<NoticeAction>(), n.actions)
        assertTrue(n.text.endsWith(CatalogJa.notKept))
    }

    private val sms = Sms("+818012345678", "SBI証券の認証コード 482913", null)

    @Test
    fun `a held notice says the message is still in the SMS app and offers Not smishing and Open in SMS app`() {
        for (lang in Lang.entries) {
            val n = planNotice(Decision(verdict(Action.QUARANTINE, Kind.LOOKALIKE_DOMAIN, "sbi-sec"), "5"), Settings(), lang, names, sms)!!
            assertEquals(listOf(NoticeAction.RELEASE, NoticeAction.OPEN_SMS_APP), n.actions)
            assertEquals(sms.sender, n.sender)
            assertTrue(n.text.contains(lang.text.stillInSmsApp))
            assertFalse(n.text.contains(lang.text.alsoShownBeside))
            assertNull(n.body, "a held notice never repeats the lure's text")
            val beside = planNotice(verdict(Action.QUARANTINE, Kind.LOOKALIKE_DOMAIN, "sbi-sec"), "5", Kept.STORED, Settings(), lang, names, sms, alsoShownBeside = true)!!
            assertTrue(beside.text.contains(lang.text.alsoShownBeside))
            val rcs = planNotice(verdict(Action.QUARANTINE, Kind.LOOKALIKE_DOMAIN, "sbi-sec"), null, Kept.SHOWN_ONLY, Settings(), lang, names, sms)!!
            assertEquals(listOf(NoticeAction.OPEN_SMS_APP), rcs.actions, "nothing to release: there is no copy")
            assertTrue(rcs.text.endsWith(lang.text.shownOnly))
            assertNull(rcs.quarantineId)
        }
        assertTrue(CatalogEn.release == "Not smishing")
    }

    @Test
    fun `with the takeover on, every delivered and warned message is announced with its text, Copy code for any code`() {
        val all = Settings(announceAll = true, notifyWarnings = false)
        for (lang in Lang.entries) {
            for ((v, channel) in table) {
                val n = planNotice(Decision(v, "17".takeIf { v.action == Action.QUARANTINE }), all, lang, names, sms)
                assertNotNull(n, "$lang ${v.action} ${v.kind}: nothing announced")
                n!!
                when (v.action) {
                    Action.QUARANTINE -> assertEquals(Channel.HELD, n.channel)
                    Action.WARN -> {
                        assertEquals(Channel.WARNING, n.channel)
                        assertEquals(sms.body, n.body)
                        assertTrue(n.text.startsWith(reason.text(lang)), "the warning's reason comes first")
                    }
                    Action.DELIVER -> {
                        assertEquals(Channel.MESSAGE, n.channel, "${v.kind} (was $channel)")
                        assertEquals(sms.body, n.body)
                        assertEquals(sms.sender, n.sender)
                    }
                }
                if (v.action != Action.QUARANTINE) {
                    assertEquals(v.otp, n.code)
                    assertEquals(if (v.otp != null) listOf(NoticeAction.COPY_CODE, NoticeAction.OPEN_SMS_APP) else listOf(NoticeAction.OPEN_SMS_APP), n.actions)
                    assertEquals(lang.text.messagePublic == n.publicTitle, true, "the lock screen shows no sender or text")
                }
            }
        }
        // Off (the default), a plain delivered message is the SMS app's to announce.
        assertNull(planNotice(Decision(verdict(Action.DELIVER, Kind.CLEAN), null), Settings(), Lang.EN, names, sms))
    }

    @Test
    fun `when the database will not open, every message is still judged by the built-in classifier`() {
        val broken = Intake({ throw app.smishgate.core.SmishGateException.Storage("disk full") }, { app.smishgate.core.Classifier("JP") })
        val t = System.currentTimeMillis()
        val lure = listOf(SmsPart("+819012345678", "【SBI証券】お取引制限のお知らせ。至急ご確認ください https://sbisec-co-jp.xyz/k/1", t))
        val n = broken.receive(lure, Settings(), Lang.EN).single()
        assertEquals(Channel.HELD, n.channel)
        assertNull(n.quarantineId)
        assertTrue(n.text.endsWith(CatalogEn.notKept))
        assertEquals(emptyList<Notice>(), broken.receive(listOf(SmsPart("+819012345678", "Running late, see you soon", t)), Settings(), Lang.EN))
        // The same verdict as a gate's own.
        val gate = gates.open()
        val classifier = app.smishgate.core.Classifier("JP")
        for (text in listOf(lure.single().body, "Running late", "SBI証券 認証コード 482913")) {
            assertEquals(gate.classify(Sms("+819012345678", text, null)), classifier.classify(Sms("+819012345678", text, null)))
        }
        classifier.close()
    }

    @Test
    fun `real messages through the gate - held lure, trusted code, a duplicate broadcast`() {
        val gate = gates.open()
        gate.upsertService(Service("exbank", "Example Bank", emptyList(), listOf("EXBANK"), listOf("example-bank.co.jp"), LinkPolicy.NEVER))
        val intake = Intake(gate) { app.smishgate.core.Classifier("JP") }
        val t = System.currentTimeMillis()
        val lure = listOf(
            SmsPart("+819012345678", "【SBI証券】お取引制限のお知らせ。至急ご確認ください ", t, 40, 1, 2),
            SmsPart("+819012345678", "https://sbisec-co-jp.xyz/k/1", t, 40, 2, 2),
        )
        val held = intake.receive(lure, Settings(), Lang.JA).single()
        assertEquals(Channel.HELD, held.channel)
        val id = held.quarantineId ?: error("held without an id")
        assertEquals("sbisec-co-jp.xyz", gate.quarantineGet(id)!!.verdict.links.single().host)
        assertTrue(held.title.startsWith("詐欺SMSの疑い"), held.title)
        // Android may deliver a broadcast again after the process died: held once, told once.
        assertEquals(emptyList<Notice>(), intake.receive(lure, Settings(), Lang.JA))
        assertEquals(1, gate.quarantineList(null, 10u).items.size)

        val code = intake.receive(listOf(SmsPart("EXBANK", "【Example Bank】認証コード: 482913 (10分間有効)。他人に教えないでください。", t)), Settings(), Lang.EN)
        val n = code.single()
        assertEquals(Channel.CODE, n.channel)
        assertEquals("482913", n.code)
        assertFalse(n.publicTitle.contains("482913"))
    }

    @Test
    fun `an SMS that could not be judged is announced without anything of it`() {
        for (lang in Lang.entries) {
            val n = uncheckedNotice(lang)
            assertEquals(Channel.WARNING, n.channel)
            assertTrue(n.actions.isEmpty())
            assertNull(n.quarantineId)
            assertNull(n.code)
            assertEquals(lang.text.uncheckedTitle, n.publicTitle)
        }
        assertTrue(uncheckedNotice(Lang.JA).text.contains("判定できません"))
    }
}
