//! `openssl ocsp` run as a local OCSP responder over the test PKI (tests/pki/make.sh): the
//! index of the intermediate CA, a responder certificate and key, the validity of its
//! answers. Stopped when dropped. Shared by the identity and the HTTP tests (`#[path]`).
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// One running responder.
#[derive(Debug)]
pub struct Responder {
    child: Child,
    pub url: String,
}

/// What the responder answers from and signs with.
#[derive(Debug, Clone, Copy)]
pub struct Setup<'a> {
    /// The CA database (`index-intermediate.txt`: the revoked signing certificate is "R").
    pub index: &'a str,
    /// The responder's certificate and key (file stems of the PKI folder).
    pub signer: &'a str,
    /// Minutes each answer is valid (nextUpdate = now + minutes); `None`: no nextUpdate.
    pub valid_minutes: Option<u32>,
}

impl<'a> Setup<'a> {
    /// The intermediate's index, signed by its OCSP responder, answers valid `minutes`.
    pub fn intermediate(minutes: u32) -> Self {
        Self {
            index: "index-intermediate.txt",
            signer: "ocsp_responder",
            valid_minutes: Some(minutes),
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("address").port()
}

impl Responder {
    /// Starts `openssl ocsp` in the PKI folder `pki` and waits until it listens.
    pub fn start(pki: &Path, setup: Setup<'_>) -> Self {
        let port = free_port();
        let certificate = format!("{}.pem", setup.signer);
        let key = format!("{}.key", setup.signer);
        let port_text = port.to_string();
        let mut arguments = vec![
            "ocsp",
            "-index",
            setup.index,
            "-port",
            &port_text,
            "-CA",
            "intermediate.pem",
            "-rsigner",
            &certificate,
            "-rkey",
            &key,
        ];
        let minutes = setup.valid_minutes.map(|minutes| minutes.to_string());
        if let Some(minutes) = &minutes {
            arguments.extend(["-nmin", minutes]);
        }
        let mut child = Command::new("openssl")
            .args(&arguments)
            .current_dir(pki)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("openssl ocsp starts");
        // Wait for "waiting for OCSP client connections" (a probing connection would stall
        // openssl 3.0's single-threaded server), then keep draining what it logs.
        let stderr = child.stderr.take().expect("stderr");
        let (ready, listening) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("waiting for OCSP client connections") {
                    let _ = ready.send(());
                }
            }
        });
        listening.recv_timeout(Duration::from_secs(10)).expect("openssl ocsp listens");
        Self { child, url: format!("http://127.0.0.1:{port}/") }
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
