//! Every route the HTTP API serves, as data: the OpenAPI document, the SAM template and the
//! local server are checked against this list by tests (so none of them can drift).

/// `(method, path template, group)`; `{name}` marks a path parameter.
pub const ROUTES: &[(&str, &str, super::Group)] = {
    use super::Group::*;
    &[
        ("GET", "/regions", Catalog),
        ("GET", "/regions/{region}/kindergartens", Catalog),
        ("GET", "/regions/{region}/pools/{year}/places", Catalog),
        ("POST", "/applications", Enqueue),
        ("GET", "/applications", Applications),
        ("GET", "/applications/{id}", Applications),
        ("GET", "/applications/{id}/documents/{number}", Applications),
        ("GET", "/applications/{id}/documents/{number}/pdf", Applications),
        ("GET", "/applications/{id}/log", Applications),
        ("GET", "/applications/{id}/forecast", Applications),
        ("POST", "/applications/siblings", Applications),
        ("POST", "/applications/{id}/second-parent", Applications),
        ("POST", "/applications/{id}/link", Applications),
        ("POST", "/applications/{id}/withdraw", Applications),
        ("POST", "/applications/{id}/extend", Applications),
        ("POST", "/applications/{id}/cancel", Applications),
        ("POST", "/applications/{id}/choose", Choose),
        ("POST", "/applications/{id}/sign", Sign),
        ("GET", "/applications/{id}/transfer", Applications),
        ("POST", "/applications/{id}/transfer", Applications),
        ("POST", "/applications/{id}/transfer/withdraw", Applications),
        ("POST", "/applications/{id}/transfer/choose", Applications),
        ("POST", "/applications/{id}/transfer/sign", Sign),
        ("GET", "/referrals/{code}", Catalog),
        ("GET", "/transparency/key", Catalog),
        ("GET", "/transparency/{region}/{year}/checkpoint", Catalog),
        ("GET", "/transparency/{region}/{year}/checkpoints/{size}", Catalog),
        ("GET", "/transparency/{region}/{year}/consistency/{from}/{to}", Catalog),
        ("GET", "/transparency/{region}/{year}/tile/{tile+}", Catalog),
        ("GET", "/transparency/{region}/{year}/context", Catalog),
        ("GET", "/transparency/{region}/{year}/daily/{from}/{to}", Catalog),
        ("GET", "/transparency/{region}/{year}/forecast/{priority}/{birthDate}", Catalog),
        ("POST", "/staff/places", Staff),
        ("POST", "/staff/applications/{id}/enrol", Staff),
        ("GET", "/staff/referrals", Staff),
        ("GET", "/staff/transfers", Staff),
        ("POST", "/operator/regions", Operator),
        ("POST", "/operator/regions/{region}/policy", Operator),
        ("POST", "/operator/kindergartens", Operator),
        ("POST", "/operator/calendar", Operator),
        ("POST", "/auth/challenge", Auth),
        ("POST", "/auth/login", Auth),
        ("GET", "/auth/profile", Auth),
        ("POST", "/auth/profile", Auth),
    ]
};

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_http::http::Method;

    #[test]
    fn every_route_goes_to_its_group() {
        for (method, path, group) in ROUTES {
            let method = Method::from_bytes(method.as_bytes()).expect("method");
            let concrete = path
                .replace("{region}", "kz-x")
                .replace("{year}", "2024")
                .replace("{id}", "a1")
                .replace("{number}", "R-1")
                .replace("{code}", "c1")
                .replace("{size}", "1")
                .replace("{from}", "2026-12-01")
                .replace("{to}", "2026-12-02")
                .replace("{tile+}", "0/000");
            assert_eq!(super::super::group_of(&method, &concrete), Some(*group), "{method} {path}");
        }
    }
}
