// The files of a new recipe, as `abra recipe new` writes them from the
// Co-op Cloud example template (coop-cloud/example, 2025; a real output is
// in the recipes corpus as example-template-recipe-new-output-2025, and
// its .drone.yml and abra.sh were published with it). The recipe name
// replaces the template's name in .env.sample and README.md; the human
// name (--name) titles the README.

/** A recipe name kite will create: lower-case words joined by `-` or `_`. */
export const RECIPE_NAME = /^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$/;

export interface TemplateOptions {
  /** directory and catalogue name, e.g. `gaseous` */
  recipe: string;
  /** human name for the README title; defaults to the recipe name */
  title?: string;
}

/** Relative path → content. */
export function recipeTemplate({ recipe, title }: TemplateOptions): Record<string, string> {
  return {
    'compose.yml': COMPOSE,
    '.env.sample': envSample(recipe),
    'abra.sh': ABRA_SH,
    'README.md': readme(recipe, title?.trim() || recipe),
    'release/.git-keep-me': '',
    '.gitignore': '.envrc\n',
    '.drone.yml': DRONE,
  };
}

const COMPOSE = `---
services:
  app:
    image: nginx:1.27.5
    networks:
      - proxy
    deploy:
      restart_policy:
        condition: on-failure
      labels:
        - "traefik.enable=true"
        - "traefik.http.services.\${STACK_NAME}.loadbalancer.server.port=80"
        - "traefik.http.routers.\${STACK_NAME}.rule=Host(\`\${DOMAIN}\`\${EXTRA_DOMAINS})"
        - "traefik.http.routers.\${STACK_NAME}.entrypoints=web-secure"
        - "traefik.http.routers.\${STACK_NAME}.tls.certresolver=\${LETS_ENCRYPT_ENV}"
        ## Redirect from EXTRA_DOMAINS to DOMAIN
        #- "traefik.http.routers.\${STACK_NAME}.middlewares=\${STACK_NAME}-redirect"
        ## Redirect HTTP to HTTPS
        # - "traefik.http.middlewares.\${STACK_NAME}-redirect.redirectscheme.scheme=https"
        # - "traefik.http.middlewares.\${STACK_NAME}-redirect.redirectscheme.permanent=true"
        ## When you're ready for release, run "abra recipe sync <name>" to set this
        - "coop-cloud.\${STACK_NAME}.version="
        ## Enable backups: https://docs.coopcloud.tech/maintainers/handbook/#how-do-i-configure-backuprestore
        # - "backupbot.backup=true"
        # - "backupbot.backup.path=/some/path"
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost"]
      interval: 30s
      timeout: 10s
      retries: 10
      start_period: 1m

networks:
  proxy:
    external: true
`;

function envSample(recipe: string): string {
  return `TYPE=${recipe}

DOMAIN=${recipe}.example.com

## Domain aliases
#EXTRA_DOMAINS=', \`www.${recipe}.example.com\`'

LETS_ENCRYPT_ENV=production
`;
}

function readme(recipe: string, title: string): string {
  return `# ${title}

> One line description of the recipe

<!-- metadata -->

* **Category**: Apps
* **Status**: 0
* **Image**: [\`${recipe}\`](https://hub.docker.com/r/${recipe}), 4, upstream
* **Healthcheck**: No
* **Backups**: No
* **Email**: No
* **Tests**: No
* **SSO**: No

<!-- endmetadata -->

## Quick start

* \`abra app new ${recipe} --secrets\`
* \`abra app config <app-name>\`
* \`abra app deploy <app-name>\`

For more, see [\`docs.coopcloud.tech\`](https://docs.coopcloud.tech).
`;
}

const ABRA_SH = `# Set any config versions here
# Docs: https://docs.coopcloud.tech/maintainers/handbook/#manage-configs
`;

const DRONE = `---
kind: pipeline
name: deploy to swarm-test.autonomic.zone
steps:
  - name: deployment
    image: git.coopcloud.tech/coop-cloud/stack-ssh-deploy:latest
    settings:
      host: swarm-test.autonomic.zone
      stack: example_com  # UPDATE ME
      generate_secrets: true
      purge: true
      deploy_key:
        from_secret: drone_ssh_swarm_test
      networks:
        - proxy
    environment:
      DOMAIN: example.swarm-test.autonomic.zone # UPDATE ME
      STACK_NAME: example_com  # UPDATE ME
      LETS_ENCRYPT_ENV: staging
      # Also set any config versions from abra.sh
trigger:
  branch:
    - main
---
kind: pipeline
name: generate recipe catalogue
steps:
  - name: release a new version
    image: plugins/downstream
    settings:
      server: https://build.coopcloud.tech
      token:
        from_secret: drone_abra-bot_token
      fork: true
      repositories:
        - toolshed/auto-recipes-catalogue-json

trigger:
  event: tag
`;
