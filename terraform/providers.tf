# Provider configuration. The kubernetes and helm providers talk to the cluster this configuration
# creates, authenticated with the caller's own Google access token (the identity running terraform
# needs roles/container.admin or an equivalent RBAC binding in the cluster).

provider "google" {
  project        = var.project_id
  region         = local.region
  default_labels = merge({ app = "streamforge", managed-by = "terraform" }, var.labels)
}

# The access token of whoever runs terraform; it lives an hour, longer than any apply here takes.
data "google_client_config" "current" {}

locals {
  cluster_host           = "https://${google_container_cluster.main.endpoint}"
  cluster_ca_certificate = base64decode(google_container_cluster.main.master_auth[0].cluster_ca_certificate)
}

provider "kubernetes" {
  host                   = local.cluster_host
  token                  = data.google_client_config.current.access_token
  cluster_ca_certificate = local.cluster_ca_certificate
}

provider "helm" {
  kubernetes = {
    host                   = local.cluster_host
    token                  = data.google_client_config.current.access_token
    cluster_ca_certificate = local.cluster_ca_certificate
  }
}
