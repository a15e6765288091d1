package app.smishgate.core

/** A fresh process's first verdict: open the database at args[0], ingest one lure, print. */
fun main(args: Array<String>) {
    SmishGate(args[0]).use { g ->
        val d = g.ingest(Sms("+819012345678", "【SBI証券】お取引制限のお知らせ https://sbisec-co-jp.xyz/login", null))
        println("${d.verdict.action} ${d.verdict.kind}")
    }
}
