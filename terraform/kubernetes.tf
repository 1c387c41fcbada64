# Namespaces of the operators, Knative and MinIO, and MinIO's root Secret. They are created here
# rather than by Helm (create_namespace) so that a release is destroyed before its namespace, and so
# the KnativeServing and KnativeEventing resources have theirs before the platform chart runs.
#
# The application's namespace (streamforge) and the functions' Kubernetes ServiceAccounts are not
# here: cluster/00-namespace.yaml and cluster/10-service-accounts.yaml create them, and the
# workload_identity_annotations output links those ServiceAccounts to their Google service accounts.

resource "kubernetes_namespace_v1" "this" {
  for_each = local.namespaces

  metadata {
    name   = each.value
    labels = { "app.kubernetes.io/part-of" = "streamforge" }
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

# The model registry's own MinIO user: read and write on the models bucket only (the chart's policy
# below), never the root credentials. Its secret key reaches the application's namespace as Secret
# streamforge-s3 (README, deploy guide), made from the outputs.
resource "random_password" "minio_registry" {
  length  = 40
  special = false
}

resource "kubernetes_secret_v1" "minio_registry_user" {
  metadata {
    name      = "minio-registry-user"
    namespace = kubernetes_namespace_v1.this["minio"].metadata[0].name
  }

  data = {
    secretKey = random_password.minio_registry.result
  }
}
