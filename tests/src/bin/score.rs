//! `cargo run --release -p smishgate-tests --bin score [-- --ids]`: the confusion table on the
//! public corpora in `../shared/data`, with the default registry.

use smishgate_core::Registry;

fn main() {
    let Some(data) = smishgate_tests::shared_data() else {
        eprintln!("../shared/data not found beside the workspace");
        std::process::exit(2);
    };
    let s = smishgate_tests::score::score(&data, Registry::builtin());
    print!("{}", s.table());
    if std::env::args().any(|a| a == "--ids") {
        println!("\nquarantined ham: {:?}", s.quarantined_ham);
        println!("\ndelivered smishing: {:?}", s.missed_smishing);
    }
}
