# Namespaces and the functions' Kubernetes ServiceAccounts. Namespaces are created here rather than
# by Helm (create_namespace) so that a release is destroyed before its namespace, and so the
# KnativeServing and KnativeEventing resources have theirs before the platform chart runs.

resource "kubernetes_namespace_v1" "this" {
  for_each = local.namespaces

  metadata {
    name   = each.value
    labels = { "app.kubernetes.io/part-of" = "streamforge" }
  }
}

# The pattern every function follows: its pod runs as one of these ServiceAccounts, and the annotation
# makes GKE's metadata server hand it tokens of the matching Google service account (iam.tf).
# The function manifests reference these accounts by name and must not create them.
resource "kubernetes_service_account_v1" "workload" {
  for_each = local.workloads

  metadata {
    name      = each.key
    namespace = kubernetes_namespace_v1.this["app"].metadata[0].name
    annotations = {
      "iam.gke.io/gcp-service-account" = google_service_account.workload[each.key].email
    }
  }
}

# MinIO's root credentials, generated once and kept in the (encrypted, access-controlled) state
# bucket. The chart reads them from this Secret (existingSecret) instead of from Helm values, which
# Helm would store in plain text in its release records.
resource "random_password" "minio_root" {
  length  = 32
  special = false
}

resource "kubernetes_secret_v1" "minio_root" {
  metadata {
    name      = "minio-root"
    namespace = kubernetes_namespace_v1.this["minio"].metadata[0].name
  }

  data = {
    rootUser     = "streamforge-admin"
    rootPassword = random_password.minio_root.result
  }
}
