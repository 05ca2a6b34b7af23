//! The EDS bucket: trust anchors and CRLs as S3 objects (aws-sdk-s3). Every write is
//! conditional on what was read (If-Match on its ETag, or If-None-Match when there was none):
//! two fetches at once never overwrite each other's newer CRL.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::Client;

use crate::error::{Error, Result};

/// The trust anchors' object.
pub const ANCHORS_KEY: &str = "trust/anchors.pem";
/// Where the CRLs are.
pub const CRL_PREFIX: &str = "crl/";
/// Most CRL objects read (one base and one delta per CA).
pub const CRL_OBJECTS_MAX: usize = 64;
/// Largest object read, bytes.
pub const OBJECT_BYTES_MAX: usize = 64 * 1024 * 1024;

/// An object's bytes and its ETag (the condition of the next write).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub bytes: Vec<u8>,
    pub etag: Option<String>,
}

/// The bucket and its client.
#[derive(Debug, Clone)]
pub struct EdsBucket {
    client: Client,
    bucket: String,
}

fn s3_error<E>(what: &str, error: aws_sdk_s3::error::SdkError<E>) -> Error
where
    E: std::error::Error + Send + Sync + 'static,
{
    Error::internal(format!("S3 {what}: {}", aws_sdk_s3::error::DisplayErrorContext(&error)))
}

impl EdsBucket {
    pub fn new(client: Client, bucket: impl Into<String>) -> Self {
        Self { client, bucket: bucket.into() }
    }

    /// The bucket of `KEZEK_EDS_BUCKET`, with the Lambda's S3 client (or the local server of
    /// `KEZEK_S3_ENDPOINT`); `None` when no bucket is configured.
    pub fn from_env() -> Option<Self> {
        let bucket = std::env::var("KEZEK_EDS_BUCKET").ok().filter(|b| !b.trim().is_empty())?;
        let client = match std::env::var("KEZEK_S3_ENDPOINT").ok().filter(|e| !e.is_empty()) {
            Some(endpoint) => local_s3_client(&endpoint),
            None => {
                let config = crate::sdk_config::from_environment();
                Client::new(&config)
            }
        };
        Some(Self::new(client, bucket))
    }

    pub fn name(&self) -> &str {
        &self.bucket
    }

    /// The object at `key`, or `None` when there is none.
    pub async fn get(&self, key: &str) -> Result<Option<Object>> {
        let output = match self.client.get_object().bucket(&self.bucket).key(key).send().await {
            Ok(output) => output,
            Err(error) if error.as_service_error().is_some_and(|e| e.is_no_such_key()) => {
                return Ok(None)
            }
            Err(error) => return Err(s3_error(key, error)),
        };
        if output.content_length.unwrap_or_default() > OBJECT_BYTES_MAX as i64 {
            return Err(Error::internal(format!("S3 {key}: larger than {OBJECT_BYTES_MAX} bytes")));
        }
        let etag = output.e_tag.clone();
        let bytes = output
            .body
            .collect()
            .await
            .map_err(|e| Error::internal(format!("S3 {key}: {e}")))?
            .into_bytes()
            .to_vec();
        Ok(Some(Object { bytes, etag }))
    }

    /// Writes `bytes` at `key` if the object is still the one read (`etag`), or still absent.
    pub async fn put_over(&self, key: &str, bytes: Vec<u8>, etag: Option<&str>) -> Result<()> {
        let request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type("application/pkix-crl")
            .body(ByteStream::from(bytes));
        let request = match etag {
            Some(etag) => request.if_match(etag),
            None => request.if_none_match("*"),
        };
        request.send().await.map(|_| ()).map_err(|error| s3_error(key, error))
    }

    /// The keys under [`CRL_PREFIX`] (at most [`CRL_OBJECTS_MAX`]).
    pub async fn crl_keys(&self) -> Result<Vec<String>> {
        let output = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(CRL_PREFIX)
            .max_keys(CRL_OBJECTS_MAX as i32)
            .send()
            .await
            .map_err(|error| s3_error(CRL_PREFIX, error))?;
        Ok(output.contents().iter().filter_map(|object| object.key().map(str::to_owned)).collect())
    }

    /// The anchors' PEM bundle, if stored.
    pub async fn anchors(&self) -> Result<Option<String>> {
        Ok(self
            .get(ANCHORS_KEY)
            .await?
            .map(|object| String::from_utf8_lossy(&object.bytes).into_owned()))
    }

    /// Every stored CRL, DER.
    pub async fn crls(&self) -> Result<Vec<Vec<u8>>> {
        let mut crls = Vec::new();
        for key in self.crl_keys().await? {
            if let Some(object) = self.get(&key).await? {
                crls.push(object.bytes);
            }
        }
        Ok(crls)
    }
}

/// A client for a local S3 server (moto): path-style addressing, static test credentials.
pub fn local_s3_client(endpoint_url: &str) -> Client {
    let config = aws_sdk_s3::config::Builder::from(&crate::sdk_config::local(endpoint_url))
        .force_path_style(true)
        .build();
    Client::from_conf(config)
}
