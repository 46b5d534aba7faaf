//! terraform-provider-combell: started by Terraform, speaks the plugin protocol on a local port.

fn main() {
    combell::logging::init_from_env();
    std::process::exit(combell::tfplugin::serve(combell::provider::provider()));
}
