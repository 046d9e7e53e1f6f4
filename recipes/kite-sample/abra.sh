# bump when index.html.tmpl changes: Docker configs are immutable
export INDEX_VERSION=v1
