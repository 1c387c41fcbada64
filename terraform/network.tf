# A VPC of the cluster's own, so its ranges and firewall rules are decided here and not shared with
# whatever else lives in the project's default network.

resource "google_compute_network" "main" {
  name                    = var.name
  auto_create_subnetworks = false
  routing_mode            = "REGIONAL"

  depends_on = [google_project_service.this]
}

resource "google_compute_subnetwork" "nodes" {
  name          = "${var.name}-nodes"
  region        = local.region
  network       = google_compute_network.main.id
  ip_cidr_range = var.subnet_cidr

  # Private nodes still reach Google APIs (Artifact Registry, Cloud Storage, Logging) without NAT.
  private_ip_google_access = true

  # VPC-native cluster: pods and services get alias IPs from these ranges (gke.tf).
  secondary_ip_range {
    range_name    = local.pods_range_name
    ip_cidr_range = var.pods_cidr
  }

  secondary_ip_range {
    range_name    = local.services_range_name
    ip_cidr_range = var.services_cidr
  }
}

# Private nodes have no external address; the loaders still need Binance, and the charts pull public
# images. Cloud NAT gives them egress without exposing them.
resource "google_compute_router" "nat" {
  count = var.private_nodes ? 1 : 0

  name    = "${var.name}-nat"
  region  = local.region
  network = google_compute_network.main.id
}

resource "google_compute_router_nat" "nat" {
  count = var.private_nodes ? 1 : 0

  name                               = "${var.name}-nat"
  router                             = google_compute_router.nat[0].name
  region                             = local.region
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "LIST_OF_SUBNETWORKS"

  subnetwork {
    name                    = google_compute_subnetwork.nodes.id
    source_ip_ranges_to_nat = ["ALL_IP_RANGES"]
  }

  # Port exhaustion and dropped connections are the errors worth seeing; successful translations are noise.
  log_config {
    enable = true
    filter = "ERRORS_ONLY"
  }
}

# With private nodes GKE lets the control plane reach nodes on 443 and 10250 only. KEDA's metrics
# API (6443) and admission webhook (9443) and the Knative webhooks (8443) listen elsewhere; without
# this rule every ScaledObject and Knative Service is rejected by a webhook timeout.
resource "google_compute_firewall" "control_plane_to_webhooks" {
  count = var.private_nodes ? 1 : 0

  name          = "${var.name}-control-plane-to-webhooks"
  network       = google_compute_network.main.id
  direction     = "INGRESS"
  source_ranges = [var.master_ipv4_cidr]

  target_service_accounts = [google_service_account.nodes.email]

  allow {
    protocol = "tcp"
    ports    = ["6443", "8443", "9443"]
  }
}
