//! AWS's texts for a task that cannot reach what its start needs, and when AWS reports them.
//!
//! Sources (see `observability-troubleshooting.md` §4.3 and §2.4): the registry-auth text is a real 2026
//! transcript (stopCode `TaskFailedToStart`, about 4.5 minutes from `pullStartedAt` to `stoppingAt`); the
//! public-registry text is a real transcript for quay.io with Docker Hub's host put in; the awslogs text is
//! the newest Fargate wording; the Secrets Manager text joins the documented start to the SSM variant's end.

use super::reach::{registry_of, Destination};

/// How long a task whose start has no network path waits in PENDING before AWS stops it: the real
/// transcript's `pullStartedAt` 18:21:57 to `stoppingAt` 18:26:29, 272 seconds.
pub const NETWORK_TIMEOUT_MS: u64 = 272_000;

/// A stop the task's network causes: the task's `stoppedReason`, and the container `reason` (the same text
/// here: Fargate puts the error on both).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkFailure {
    pub stopped_reason: String,
    /// The image the failure is about, when it is one image's pull.
    pub image: Option<String>,
    /// What could not be reached.
    pub destination: Destination,
}

/// An address AWS's texts show for the unreachable endpoint. The transcripts show real addresses; these are
/// fixed stand-ins per destination.
fn address_of(destination: &Destination) -> &'static str {
    match destination {
        Destination::Service(s) if s == "ecr.api" => "44.213.79.104",
        Destination::Service(s) if s == "ecr.dkr" => "52.45.101.97",
        Destination::Service(s) if s == "s3" => "52.216.0.14",
        Destination::Service(s) if s == "logs" => "3.236.94.155",
        Destination::Service(_) => "3.227.250.136",
        Destination::Internet(_) => "3.210.148.47",
    }
}

/// `nginx` → (`docker.io/library/nginx:latest`, `library/nginx`, `latest`); a registry host is kept.
fn image_ref(image: &str) -> (String, String, String) {
    let registry = registry_of(image);
    let path_and_tag = if registry == "docker.io" && !image.starts_with("docker.io/") { image } else { image.split_once('/').map_or(image, |(_, rest)| rest) };
    let (path, tag) = match path_and_tag.rsplit_once(':') {
        Some((p, t)) if !t.contains('/') => (p.to_string(), t.to_string()),
        _ => (path_and_tag.to_string(), "latest".to_string()),
    };
    let path = if registry == "docker.io" && !path.contains('/') { format!("library/{path}") } else { path };
    (format!("{registry}/{path}:{tag}"), path, tag)
}

/// The failure of a task whose image pull cannot reach `destination` (`ecr.api`, `ecr.dkr`, `s3`, or a
/// public registry on the internet).
pub fn pull_failure(image: &str, destination: &Destination, region: &str) -> NetworkFailure {
    let ip = address_of(destination);
    let stopped_reason = match destination {
        // §4.3 #5, verbatim but for the Region.
        Destination::Service(s) if s == "ecr.api" => format!(
            "ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR: There is a connection issue between the task and Amazon ECR. Check your task network configuration. operation error ECR: GetAuthorizationToken, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Post \"https://api.ecr.{region}.amazonaws.com/\": dial tcp {ip}:443: i/o timeout"
        ),
        // The manifest request: §4.3 #5b's form with the ECR registry's host (the form for ECR is unverified).
        Destination::Service(s) if s == "ecr.dkr" => {
            let (reference, path, tag) = image_ref(image);
            let host = registry_of(image);
            format!("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {reference}: failed to do request: Head \"https://{host}/v2/{path}/manifests/{tag}\": dial tcp {ip}:443: i/o timeout")
        }
        // The layers come from Amazon S3 (ECR's layer bucket); the form of this text is unverified.
        Destination::Service(_) => {
            let (reference, _, _) = image_ref(image);
            format!("CannotPullContainerError: ref pull has been retried 5 time(s): failed to copy: httpReadSeeker: failed open: failed to do request: Get \"https://prod-{region}-starport-layer-bucket.s3.{region}.amazonaws.com/\": dial tcp {ip}:443: i/o timeout (pulling {reference})")
        }
        // §4.3 #5b, verbatim but for Docker Hub's host and the image.
        Destination::Internet(host) => {
            let (reference, path, tag) = image_ref(image);
            format!("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {reference}: failed to do request: Head \"https://{host}/v2/{path}/manifests/{tag}\": dial tcp {ip}:443: i/o timeout")
        }
    };
    NetworkFailure { stopped_reason, image: Some(image.to_string()), destination: destination.clone() }
}

/// The stoppedReason of a pull whose image or tag does not exist in its registry (§4.3 #3: the real Fargate
/// transcripts' form, with the fully qualified reference; their retry count varies between 1, 5 and 7).
pub fn image_not_found_text(image: &str) -> String {
    let (reference, _, _) = image_ref(image);
    format!("CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref {reference}: not found")
}

/// The stoppedReason of a pull on an EC2 instance whose Docker disk is full (§4.6, ECSDG task_cannot_pull_image.md).
pub const DISK_FULL_TEXT: &str = "CannotPullContainerError: write /var/lib/docker/tmp/GetImageBlob111111111: no space left on device";

/// The failure of a task that cannot reach Secrets Manager (or SSM) for `value_from`.
pub fn secret_failure(value_from: &str, destination: &Destination) -> NetworkFailure {
    let stopped_reason = if matches!(destination, Destination::Service(s) if s == "ssm") {
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 5 time(s): RequestCanceled: request context canceled caused by: context deadline exceeded".to_string()
    } else {
        format!("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch secret {value_from} from secrets manager: RequestCanceled: request context canceled caused by: context deadline exceeded")
    };
    NetworkFailure { stopped_reason, image: None, destination: destination.clone() }
}

/// The failure of a task whose awslogs driver cannot reach CloudWatch Logs (§2.4, the newest wording).
pub fn logs_failure() -> NetworkFailure {
    NetworkFailure {
        stopped_reason: "ResourceInitializationError: failed to validate logger args: The task cannot find the Amazon CloudWatch log group defined in the task definition. There is a connection issue between the task and Amazon CloudWatch. Check your network configuration. signal: killed".to_string(),
        image: None,
        destination: Destination::service("logs"),
    }
}

/// Addresses AWS reserves in every subnet: the network address, the VPC router, the DNS server, one for
/// future use and the broadcast address (Amazon VPC User Guide, "Subnet CIDR blocks").
pub const RESERVED_ADDRESSES_PER_SUBNET: u64 = 5;

/// The addresses of a subnet that ENIs can use: its size less the five AWS reserves. `None` for a CIDR
/// block that is not `a.b.c.d/n`.
pub fn usable_addresses(cidr_block: &str) -> Option<u64> {
    let (address, prefix) = cidr_block.split_once('/')?;
    let prefix: u32 = prefix.parse().ok().filter(|p| *p <= 32)?;
    if address.split('.').count() != 4 || address.split('.').any(|o| o.parse::<u8>().is_err()) {
        return None;
    }
    Some((1u64 << (32 - prefix)).saturating_sub(RESERVED_ADDRESSES_PER_SUBNET))
}

/// The stoppedReason of an awsvpc task whose ENI cannot get an address: the subnet has no free one. The form
/// is the one observability-troubleshooting.md §4.6 cites for the failed-to-start page (the exact AWS text is
/// unverified there); "with public IP assignment enabled" appears when `assignPublicIp` is ENABLED.
pub fn insufficient_addresses_text(subnet_id: &str, assign_public_ip: bool) -> String {
    let public = if assign_public_ip { " with public IP assignment enabled" } else { "" };
    format!("Unexpected EC2 error while attempting to Create Network Interface{public} in subnet '{subnet_id}': InsufficientFreeAddressesInSubnet")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sizes from the Amazon VPC User Guide: /28 is the smallest subnet (16 addresses, 11 usable).
    #[test]
    fn usable_addresses_table() {
        for (cidr, want) in [("10.0.0.0/28", Some(11)), ("10.0.1.0/24", Some(251)), ("10.0.0.0/16", Some(65_531)), ("10.0.0.0/32", Some(0)), ("10.0.0.0", None), ("10.0.0.0/33", None), ("x/24", None)] {
            assert_eq!(usable_addresses(cidr), want, "{cidr}");
        }
    }

    /// §4.3 #3 (the real text's form) for ECR and Docker Hub references; §4.6 for a full disk.
    #[test]
    fn pull_failure_texts() {
        assert_eq!(
            image_not_found_text("961341555117.dkr.ecr.ap-southeast-1.amazonaws.com/rag-nginx:latest"),
            "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref 961341555117.dkr.ecr.ap-southeast-1.amazonaws.com/rag-nginx:latest: not found"
        );
        assert_eq!(image_not_found_text("nginx:1.27-typo"), "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref docker.io/library/nginx:1.27-typo: not found");
        assert_eq!(image_not_found_text("example/web"), "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref docker.io/example/web:latest: not found");
        assert!(DISK_FULL_TEXT.ends_with("no space left on device"));
    }

    #[test]
    fn insufficient_addresses_texts() {
        assert_eq!(insufficient_addresses_text("subnet-small", false), "Unexpected EC2 error while attempting to Create Network Interface in subnet 'subnet-small': InsufficientFreeAddressesInSubnet");
        assert_eq!(
            insufficient_addresses_text("subnet-small", true),
            "Unexpected EC2 error while attempting to Create Network Interface with public IP assignment enabled in subnet 'subnet-small': InsufficientFreeAddressesInSubnet"
        );
    }
}
