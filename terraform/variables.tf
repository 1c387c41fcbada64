# Inputs. Only project_id has no default; terraform.tfvars.example shows the usual overrides.

variable "project_id" {
  type        = string
  description = "Google Cloud project that holds the cluster, registry and service accounts."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project ID (6-30 lowercase letters, digits and hyphens), not a project name or number."
  }
}

variable "name" {
  type        = string
  description = "Name of the cluster and prefix of every resource this configuration creates."
  default     = "streamforge"

  validation {
    # Service account IDs are at most 30 characters and the longest suffix is "-model-registry".
    condition     = can(regex("^[a-z][a-z0-9-]{0,10}[a-z0-9]$", var.name))
    error_message = "name must be 2-12 lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "location" {
  type        = string
  description = "A zone (e.g. europe-west1-b) for a zonal cluster or a region (e.g. europe-west1) for a regional one, whose control plane and default node locations span three zones."
  # Binance answers requests from US addresses with HTTP 451, so the loaders must not egress from a US region.
  default = "europe-west1-b"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+(-[a-z])?$", var.location))
    error_message = "location must be a region such as europe-west1 or a zone such as europe-west1-b."
  }
}

variable "node_zones" {
  type        = list(string)
  description = "Node zones in the location's region. Regional cluster: the zones to use (empty: GKE's default three). Zonal cluster: extra zones besides the cluster's own, which the provider wants left out of this list."
  default     = []

  validation {
    condition     = alltrue([for zone in var.node_zones : startswith(zone, "${regex("^[a-z]+-[a-z]+[0-9]+", var.location)}-")])
    error_message = "every entry of node_zones must be a zone of the location's region."
  }
}

variable "release_channel" {
  type        = string
  description = "GKE release channel; GKE upgrades the control plane and nodes along it."
  default     = "REGULAR"

  validation {
    condition     = contains(["RAPID", "REGULAR", "STABLE", "EXTENDED"], var.release_channel)
    error_message = "release_channel must be one of RAPID, REGULAR, STABLE, EXTENDED."
  }
}

variable "private_nodes" {
  type        = bool
  description = "Give nodes internal addresses only; they reach the internet (Binance, public images) through Cloud NAT."
  default     = true
}

variable "master_ipv4_cidr" {
  type        = string
  description = "The /28 the control plane uses when private_nodes is true; the firewall for admission webhooks opens from it."
  default     = "172.16.0.0/28"

  validation {
    condition     = can(cidrnetmask(var.master_ipv4_cidr)) && endswith(var.master_ipv4_cidr, "/28")
    error_message = "master_ipv4_cidr must be a /28 in CIDR notation."
  }
}

variable "master_authorized_networks" {
  type = list(object({
    cidr_block   = string
    display_name = string
  }))
  description = "Networks allowed to reach the public control-plane endpoint. Empty: any address holding valid Google credentials."
  default     = []

  validation {
    condition     = alltrue([for network in var.master_authorized_networks : can(cidrnetmask(network.cidr_block))])
    error_message = "every cidr_block in master_authorized_networks must be in CIDR notation."
  }
}

variable "subnet_cidr" {
  type        = string
  description = "Primary range of the node subnet."
  default     = "10.10.0.0/20"

  validation {
    condition     = can(cidrnetmask(var.subnet_cidr))
    error_message = "subnet_cidr must be in CIDR notation."
  }
}

variable "pods_cidr" {
  type        = string
  description = "Secondary range for pod IPs; a /16 holds 256 nodes at GKE's default 110 pods per node."
  default     = "10.20.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.pods_cidr))
    error_message = "pods_cidr must be in CIDR notation."
  }
}

variable "services_cidr" {
  type        = string
  description = "Secondary range for ClusterIP services."
  default     = "10.30.0.0/20"

  validation {
    condition     = can(cidrnetmask(var.services_cidr))
    error_message = "services_cidr must be in CIDR notation."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to destroy the cluster; set false and apply before a deliberate `terraform destroy`."
  default     = true
}

variable "maintenance_start_utc" {
  type        = string
  description = "Start (HH:MM, UTC) of the daily four-hour window in which GKE may upgrade the cluster."
  default     = "03:00"

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]$", var.maintenance_start_utc))
    error_message = "maintenance_start_utc must be HH:MM in 24-hour time."
  }
}

variable "system_pool" {
  type = object({
    machine_type = optional(string, "e2-standard-4")
    min_nodes    = optional(number, 1)
    max_nodes    = optional(number, 3)
    disk_size_gb = optional(number, 50)
  })
  description = "On-demand pool (nodes labelled streamforge.io/pool=system) for the operators and the stateful services: MinIO here, and Kafka and ArangoDB from cluster/, whose manifests must select it. Node counts are totals across zones."
  default     = {}

  validation {
    condition     = var.system_pool.min_nodes >= 1 && var.system_pool.max_nodes >= var.system_pool.min_nodes
    error_message = "system_pool needs min_nodes >= 1 (the operators live there) and max_nodes >= min_nodes."
  }
}

variable "workers_pool" {
  type = object({
    machine_type = optional(string, "e2-standard-4")
    min_nodes    = optional(number, 0)
    max_nodes    = optional(number, 10)
    disk_size_gb = optional(number, 100)
  })
  description = "Spot pool for the functions that KEDA and Knative scale; min_nodes 0 lets it empty when every queue is idle. Node counts are totals across zones."
  default     = {}

  validation {
    condition     = var.workers_pool.min_nodes >= 0 && var.workers_pool.max_nodes >= max(1, var.workers_pool.min_nodes) && var.workers_pool.max_nodes <= 100
    error_message = "workers_pool needs 0 <= min_nodes <= max_nodes, 1 <= max_nodes <= 100."
  }
}

variable "gpu_pool" {
  type = object({
    enabled           = optional(bool, false)
    machine_type      = optional(string, "g2-standard-8")
    accelerator_type  = optional(string, "nvidia-l4")
    accelerator_count = optional(number, 1)
    max_nodes         = optional(number, 2)
    spot              = optional(bool, true)
    zones             = optional(list(string), [])
  })
  description = "Optional pool for the model trainers (gnn-trainer, rl-agent), from zero nodes; zones narrows it to zones that offer the accelerator."
  default     = {}

  validation {
    condition     = contains([1, 2, 4, 8], var.gpu_pool.accelerator_count) && var.gpu_pool.max_nodes >= 1
    error_message = "gpu_pool.accelerator_count must be 1, 2, 4 or 8 and max_nodes at least 1."
  }
}

variable "registry_repository_id" {
  type        = string
  description = "Artifact Registry repository for the function images."
  default     = "streamforge"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]*[a-z0-9])?$", var.registry_repository_id))
    error_message = "registry_repository_id must be lowercase letters, digits and hyphens."
  }
}

variable "labels" {
  type        = map(string)
  description = "Extra labels for every Google Cloud resource (the google provider's default_labels)."
  default     = {}
}

variable "minio_storage_size" {
  type        = string
  description = "Volume size of the MinIO server that holds the trained models."
  default     = "50Gi"

  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi|Ti)$", var.minio_storage_size))
    error_message = "minio_storage_size must be a quantity such as 50Gi."
  }
}

variable "knative_domain" {
  type        = string
  description = "DNS domain for Knative Services' URLs (a wildcard record must point at Kourier's load balancer). Null: Knative's default, reachable with a Host header."
  default     = null

  validation {
    condition     = var.knative_domain == null || can(regex("^([a-z0-9]([-a-z0-9]*[a-z0-9])?\\.)+[a-z]{2,}$", var.knative_domain))
    error_message = "knative_domain must be a DNS name such as fn.example.com, or null."
  }
}

# Chart versions: exact versions only (the validation refuses ranges), so a plan never picks up a new
# chart by itself. Bump one at a time and read the chart's upgrade notes first.

variable "strimzi_chart_version" {
  type        = string
  description = "strimzi-kafka-operator chart version; the Kafka version of cluster/50-kafka.yaml follows it (that Kafka sets none). 1.2.0 matches the CRDs scripts/k8s/crds.sh installs for the tests."
  default     = "1.2.0"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.strimzi_chart_version))
    error_message = "strimzi_chart_version must be an exact version such as 1.2.0."
  }
}

variable "keda_chart_version" {
  type        = string
  description = "kedacore/keda chart version (equal to the KEDA version). 2.21.0 is the KEDA that scripts/keda builds and tests against."
  default     = "2.21.0"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.keda_chart_version))
    error_message = "keda_chart_version must be an exact version such as 2.21.0."
  }
}

variable "knative_operator_chart_version" {
  type        = string
  description = "knative-operator chart version; the operator installs the Serving, Eventing and KafkaSource release it bundles, so this one pin fixes all three."
  default     = "1.23.0"

  validation {
    condition     = can(regex("^v?[0-9]+\\.[0-9]+\\.[0-9]+$", var.knative_operator_chart_version))
    error_message = "knative_operator_chart_version must be an exact version such as 1.23.0."
  }
}

variable "kube_arangodb_chart_version" {
  type        = string
  description = "arangodb/kube-arangodb chart version: the operator, not the database, whose image cluster/60-arangodb.yaml would pin (spec.image)."
  default     = "1.4.4"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.kube_arangodb_chart_version))
    error_message = "kube_arangodb_chart_version must be an exact version such as 1.4.4."
  }
}

variable "minio_chart_version" {
  type        = string
  description = "minio/minio chart version. 5.4.0 is the last community chart: the MinIO repository is no longer maintained, so plan a replacement S3 store."
  default     = "5.4.0"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.minio_chart_version))
    error_message = "minio_chart_version must be an exact version such as 5.4.0."
  }
}
