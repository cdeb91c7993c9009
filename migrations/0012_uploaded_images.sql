-- Pictures beside lessons uploaded to a platform (Slack files), so each picture is uploaded once per
-- workspace, ever: the same bytes (by SHA-256) are shown again by the platform's file id.
CREATE TABLE uploaded_images (
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    sha256      TEXT NOT NULL,
    file_id     TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, sha256)
);
