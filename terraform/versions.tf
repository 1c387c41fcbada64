# Terraform and provider pins. Commit .terraform.lock.hcl after the first `terraform init` so every
# machine resolves the same provider builds.
terraform {
  # 1.9 is the first release whose variable validations may refer to other variables (variables.tf).
  required_version = ">= 1.9.0"

  required_providers {
    # Everything used here is GA in the google provider, so google-beta is not needed.
    google = {
      source  = "hashicorp/google"
      version = "~> 7.0"
    }
    # 3.x: the Plugin Framework rewrite (`kubernetes = { ... }` in the provider, `set = [...]` lists).
    helm = {
      source  = "hashicorp/helm"
      version = "~> 3.1"
    }
    # 3.x: only the *_v1 resource names are current.
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 3.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.7"
    }
  }

  # Partial configuration: the bucket differs per project, so it is passed at init time:
  #   terraform init -backend-config="bucket=<project>-tfstate"
  # The GCS backend locks the state itself; keep object versioning on in that bucket to recover
  # from a bad write (README.md shows how it is created).
  backend "gcs" {
    prefix = "streamforge/gke"
  }
}
