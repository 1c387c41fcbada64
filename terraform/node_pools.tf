# Three pools with different promises:
#   system  on-demand: operators, MinIO, and Kafka and ArangoDB from cluster/ (which must select
#           streamforge.io/pool=system to land here). A preempted broker or database is an outage.
#   workers Spot: the functions. A preempted function is a retry: offsets are committed only after the
#           upsert, so its replacement resumes where it stopped (README.md, "nothing lost").
#   gpu     optional, tainted, from zero: only pods that tolerate nvidia.com/gpu (the trainers) land there.
# Autoscaling limits are totals across zones, so a regional cluster does not triple them.

locals {
  # IAM decides what the node account may do; the scope only has to be broad enough not to undercut it.
  node_oauth_scopes = ["https://www.googleapis.com/auth/cloud-platform"]
}

resource "google_container_node_pool" "system" {
  name     = "system"
  cluster  = google_container_cluster.main.id
  location = var.location

  autoscaling {
    total_min_node_count = var.system_pool.min_nodes
    total_max_node_count = var.system_pool.max_nodes
    location_policy      = "BALANCED"
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  # Surge one node at a time and never drop one first: the brokers on it move only once a new node is up.
  upgrade_settings {
    max_surge       = 1
    max_unavailable = 0
  }

  node_config {
    machine_type    = var.system_pool.machine_type
    disk_type       = "pd-balanced"
    disk_size_gb    = var.system_pool.disk_size_gb
    image_type      = "COS_CONTAINERD"
    service_account = google_service_account.nodes.email
    oauth_scopes    = local.node_oauth_scopes
    labels          = { "streamforge.io/pool" = "system" }

    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }
  }
}

resource "google_container_node_pool" "workers" {
  name     = "workers"
  cluster  = google_container_cluster.main.id
  location = var.location

  autoscaling {
    total_min_node_count = var.workers_pool.min_nodes
    total_max_node_count = var.workers_pool.max_nodes
    # ANY lets the autoscaler go wherever Spot capacity is, which lowers the preemption rate.
    location_policy = "ANY"
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  node_config {
    spot            = true
    machine_type    = var.workers_pool.machine_type
    disk_type       = "pd-balanced"
    disk_size_gb    = var.workers_pool.disk_size_gb
    image_type      = "COS_CONTAINERD"
    service_account = google_service_account.nodes.email
    oauth_scopes    = local.node_oauth_scopes
    # No taint: functions schedule here without tolerations. GKE labels the nodes
    # cloud.google.com/gke-spot=true for functions that want to insist on it.
    labels = { "streamforge.io/pool" = "workers" }

    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }
  }
}

resource "google_container_node_pool" "gpu" {
  count = var.gpu_pool.enabled ? 1 : 0

  name           = "gpu"
  cluster        = google_container_cluster.main.id
  location       = var.location
  node_locations = length(var.gpu_pool.zones) > 0 ? var.gpu_pool.zones : null

  # From zero: a training run brings a node up, and it goes away when the Job ends.
  autoscaling {
    total_min_node_count = 0
    total_max_node_count = var.gpu_pool.max_nodes
    location_policy      = "ANY"
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  node_config {
    spot            = var.gpu_pool.spot
    machine_type    = var.gpu_pool.machine_type
    disk_type       = "pd-balanced"
    disk_size_gb    = 100
    image_type      = "COS_CONTAINERD"
    service_account = google_service_account.nodes.email
    oauth_scopes    = local.node_oauth_scopes

    guest_accelerator {
      type  = var.gpu_pool.accelerator_type
      count = var.gpu_pool.accelerator_count
      # GKE installs and upgrades the driver with the node image; no NVIDIA DaemonSet to maintain.
      gpu_driver_installation_config {
        gpu_driver_version = "DEFAULT"
      }
    }

    labels = {
      "streamforge.io/pool"     = "gpu"
      "streamforge.io/workload" = "model-trainer"
    }

    # Keeps everything but the trainers off the expensive nodes. GKE adds the same taint to GPU
    # nodes by itself; declaring it keeps the plan honest about what is on them.
    taint {
      key    = "nvidia.com/gpu"
      value  = "present"
      effect = "NO_SCHEDULE"
    }

    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }
  }
}
