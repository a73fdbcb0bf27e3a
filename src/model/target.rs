//! The site being audited.

use url::Url;

/// The audited site: a registrable domain plus the terms that classify anchors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The registrable domain (eTLD+1 from the Public Suffix List), lower-case, IDNA/ASCII form.
    /// Every host equal to it or ending in `.` + it is "the target".
    pub domain: String,
    /// Brand terms (lower-case) that make an anchor `branded`. Defaults to the domain's first
    /// label (`example` for `example.co.uk`).
    pub brand_terms: Vec<String>,
    /// Money keywords (lower-case) that make an anchor `exact_match` / `partial_match`.
    pub keywords: Vec<String>,
    /// Further terms searched for unlinked mentions besides the brand terms and the domain
    /// (`[mentions] terms`), lower-case.
    pub mention_terms: Vec<String>,
    /// Registrable domains of the target's competitors (`gap --competitor`, `[gap]
    /// competitors`): links to them next to a mention of the target mark the best prospects,
    /// and `gap` keeps the links to them.
    pub competitors: Vec<String>,
}

/// A `TARGET` argument that is neither a domain nor an http(s) URL.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid target `{input}`: {reason}")]
pub struct TargetError {
    /// What the user typed.
    pub input: String,
    /// Why it was rejected.
    pub reason: &'static str,
}

impl Target {
    /// Parses a domain (`example.com`, `www.example.com`) or URL (`https://example.com/x`).
    ///
    /// The registrable domain is derived with the Public Suffix List, so `blog.example.co.uk`
    /// audits every host of `example.co.uk`.
    pub fn parse(input: &str) -> Result<Target, TargetError> {
        let trimmed = input.trim();
        let err = |reason| TargetError {
            input: input.to_string(),
            reason,
        };
        if trimmed.is_empty() {
            return Err(err("it is empty"));
        }
        let url = if trimmed.contains("://") {
            Url::parse(trimmed).map_err(|_| err("it is not a valid URL"))?
        } else {
            Url::parse(&format!("http://{trimmed}")).map_err(|_| err("it is not a valid domain"))?
        };
        if !matches!(url.scheme(), "http" | "https") {
            return Err(err("only http(s) URLs or bare domains can be audited"));
        }
        let host = super::host::normalize(url.host_str().ok_or_else(|| err("it has no host"))?);
        if host.is_empty() {
            return Err(err("it has no host"));
        }
        let domain = super::registrable_domain(&host);
        let brand = domain.split('.').next().unwrap_or(&domain).to_string();
        Ok(Target {
            domain,
            brand_terms: vec![brand],
            keywords: Vec::new(),
            mention_terms: Vec::new(),
            competitors: Vec::new(),
        })
    }

    /// Replaces the default brand terms (empty input keeps the default).
    pub fn with_brand_terms(mut self, terms: &[String]) -> Self {
        let terms: Vec<String> = clean_terms(terms);
        if !terms.is_empty() {
            self.brand_terms = terms;
        }
        self
    }

    /// Sets the money keywords.
    pub fn with_keywords(mut self, terms: &[String]) -> Self {
        self.keywords = clean_terms(terms);
        self
    }

    /// Adds terms searched for unlinked mentions.
    pub fn with_mention_terms(mut self, terms: &[String]) -> Self {
        self.mention_terms = clean_terms(terms);
        self
    }

    /// Sets the competitors' registrable domains (sorted, de-duplicated; the target's own
    /// domain is never one).
    pub fn with_competitors(mut self, domains: &[String]) -> Self {
        let mut c: Vec<String> = domains
            .iter()
            .map(|d| super::registrable_domain(d))
            .filter(|d| !d.is_empty() && *d != self.domain)
            .collect();
        c.sort();
        c.dedup();
        self.competitors = c;
        self
    }

    /// The terms an unlinked mention is searched for: the brand terms, the domain itself and
    /// the extra mention terms, distinct.
    pub fn mention_terms(&self) -> Vec<&str> {
        let mut t: Vec<&str> = self
            .brand_terms
            .iter()
            .chain(&self.mention_terms)
            .map(String::as_str)
            .chain(std::iter::once(self.domain.as_str()))
            .collect();
        t.sort_unstable();
        t.dedup();
        t
    }

    /// The site a URL points at: the target's domain or a competitor's, if either.
    pub fn site_of(&self, url: &Url) -> Option<&str> {
        let host = url.host_str()?;
        if self.matches_host(host) {
            return Some(&self.domain);
        }
        self.competitors
            .iter()
            .find(|c| super::host::is_within(host, c))
            .map(String::as_str)
    }

    /// Whether `host` is a host of the target ([`super::host::is_within`] its domain).
    ///
    /// Look-alikes such as `example.com.evil.net` or `notexample.com` do not match: the host
    /// must equal the domain or end with `.` followed by it.
    pub fn matches_host(&self, host: &str) -> bool {
        super::host::is_within(host, &self.domain)
    }

    /// Whether `url` points at a host of the target (any scheme, any port).
    pub fn matches_url(&self, url: &Url) -> bool {
        url.host_str().is_some_and(|h| self.matches_host(h))
    }
}

fn clean_terms(terms: &[String]) -> Vec<String> {
    let mut out: Vec<String> = terms
        .iter()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_domains_and_urls() {
        assert_eq!(Target::parse("example.com").unwrap().domain, "example.com");
        assert_eq!(
            Target::parse("WWW.Example.COM").unwrap().domain,
            "example.com"
        );
        assert_eq!(
            Target::parse("https://blog.example.co.uk/a?b")
                .unwrap()
                .domain,
            "example.co.uk"
        );
        assert_eq!(
            Target::parse("example.com").unwrap().brand_terms,
            ["example"]
        );
        assert!(Target::parse("").is_err());
        assert!(Target::parse("ftp://example.com").is_err());
    }

    #[test]
    fn host_matching_rejects_look_alikes() {
        let t = Target::parse("example.com").unwrap();
        for ok in [
            "example.com",
            "www.example.com",
            "a.b.example.com",
            "example.com.",
        ] {
            assert!(t.matches_host(ok), "{ok}");
        }
        for bad in [
            "notexample.com",
            "example.com.evil.net",
            "example.co",
            "xexample.com",
        ] {
            assert!(!t.matches_host(bad), "{bad}");
        }
    }
}
