# The GKE Standard cluster. Standard rather than Autopilot because the workers are a Spot pool that
# scales to zero and the trainers need a tainted GPU pool, both decided here (node_pools.tf).

resource "google_container_cluster" "main" {
  name     = var.name
  location = var.location
  # A zonal cluster keeps its nodes in its own zone unless node_zones adds others; a regional one
  # spreads over the region's zones unless node_zones narrows them.
  node_locations = length(var.node_zones) > 0 ? var.node_zones : null

  network         = google_compute_network.main.id
  subnetwork      = google_compute_subnetwork.nodes.id
  networking_mode = "VPC_NATIVE"

  ip_allocation_policy {
    cluster_secondary_range_name  = local.pods_range_name
    services_secondary_range_name = local.services_range_name
  }

  # Node pools are separate resources, so they can change without replacing the cluster. GKE insists
  # on a default pool at creation; it is removed at once, and it runs as the least-privilege node
  # account so that creation works where the Compute Engine default account is disabled.
  remove_default_node_pool = true
  initial_node_count       = 1
  node_config {
    service_account = google_service_account.nodes.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]
  }

  deletion_protection = var.deletion_protection

  release_channel {
    channel = var.release_channel
  }

  maintenance_policy {
    daily_maintenance_window {
      start_time = var.maintenance_start_utc
    }
  }

  # Pods authenticate to Google APIs as the Google service account bound to their Kubernetes
  # ServiceAccount (iam.tf), never as the node.
  workload_identity_config {
    workload_pool = local.workload_pool
  }

  # Dataplane V2 enforces NetworkPolicy without a separate Calico add-on.
  datapath_provider = "ADVANCED_DATAPATH"

  dynamic "private_cluster_config" {
    for_each = var.private_nodes ? [1] : []
    content {
      enable_private_nodes = true
      # The public endpoint stays, guarded by master_authorized_networks, so terraform and kubectl
      # work from outside the VPC.
      enable_private_endpoint = false
      master_ipv4_cidr_block  = var.master_ipv4_cidr
    }
  }

  dynamic "master_authorized_networks_config" {
    for_each = length(var.master_authorized_networks) > 0 ? [1] : []
    content {
      dynamic "cidr_blocks" {
        for_each = var.master_authorized_networks
        content {
          cidr_block   = cidr_blocks.value.cidr_block
          display_name = cidr_blocks.value.display_name
        }
      }
    }
  }

  addons_config {
    gce_persistent_disk_csi_driver_config {
      enabled = true
    }
  }

  logging_config {
    enable_components = ["SYSTEM_COMPONENTS", "WORKLOADS"]
  }

  # Managed Prometheus scrapes the functions' /metrics through PodMonitoring resources.
  monitoring_config {
    enable_components = ["SYSTEM_COMPONENTS"]
    managed_prometheus {
      enabled = true
    }
  }

  lifecycle {
    # These only describe the default pool that no longer exists; changing them would replace the cluster.
    ignore_changes = [node_config, initial_node_count]
  }

  depends_on = [google_project_service.this]
}
