//! terraform-provider-combell: started by Terraform, speaks the plugin protocol on a local port.

fn main() {
    hclog::init_from_env();
    std::process::exit(tfplugin::serve(
        terraform_provider_combell::provider::provider(),
    ));
}
