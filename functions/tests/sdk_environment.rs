//! The clients a Lambda builds from its environment (`sdk_config::from_environment`: region
//! and credentials from the environment, the rustls-over-ring HTTP client) reach a real
//! endpoint: moto, named by the SDK's own `AWS_ENDPOINT_URL` — no kezek endpoint variable is
//! set, so this is the very path a deployed function takes, but for the address.

#[allow(dead_code)]
#[path = "notify/moto.rs"]
mod moto;

use kezek_functions::notify::deliver::sns_client;

#[tokio::test]
async fn a_client_built_from_the_lambda_environment_publishes_through_moto() {
    // The variables the Lambda service sets (credentials, region), and the endpoint.
    std::env::set_var("AWS_ENDPOINT_URL", moto::endpoint());
    std::env::set_var("AWS_REGION", "eu-central-1");
    std::env::set_var("AWS_ACCESS_KEY_ID", "environment");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "environment");
    std::env::set_var("AWS_SESSION_TOKEN", "environment");

    let client = sns_client(None).await;
    let topic = client
        .create_topic()
        .name("kezek-environment-path")
        .send()
        .await
        .expect("create_topic through the environment's client");
    let arn = topic.topic_arn.expect("an ARN");
    assert!(
        arn.starts_with("arn:aws:sns:eu-central-1:"),
        "the region came from the environment: {arn}"
    );
    client
        .publish()
        .topic_arn(&arn)
        .subject("environment")
        .message("reached over the environment's client")
        .send()
        .await
        .expect("publish");
    let published = moto::published_to(&arn);
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].message, "reached over the environment's client");

    // An SMS as `notify` sends one, by phone number.
    client
        .publish()
        .phone_number("+77010000999")
        .message("SMS over the environment's client")
        .send()
        .await
        .expect("sms");
    assert_eq!(moto::sms_to("+77010000999").len(), 1);
}
