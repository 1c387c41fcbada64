# Artifact Registry for the function images, in the cluster's region so pulls stay regional.

resource "google_artifact_registry_repository" "functions" {
  repository_id = var.registry_repository_id
  location      = local.region
  format        = "DOCKER"
  description   = "StreamForge function images"

  # Untagged layers pile up with every build; released tags are kept, and so are the latest builds
  # of each image for rollbacks.
  cleanup_policies {
    id     = "delete-untagged"
    action = "DELETE"
    condition {
      tag_state  = "UNTAGGED"
      older_than = "14d"
    }
  }

  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = 20
    }
  }

  depends_on = [google_project_service.this]
}

# Nodes pull images, so the node account reads this repository and nothing else.
resource "google_artifact_registry_repository_iam_member" "nodes_read" {
  repository = google_artifact_registry_repository.functions.name
  location   = google_artifact_registry_repository.functions.location
  role       = "roles/artifactregistry.reader"
  member     = google_service_account.nodes.member
}
