package main

import (
	"fmt"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/prodready/prodready/pkg/bundle"
	"github.com/prodready/prodready/pkg/bundle/oci"
	"github.com/prodready/prodready/pkg/bundle/opabundle"
	"github.com/prodready/prodready/pkg/bundle/target"
)

func newBundle() *cobra.Command {
	var name, out, push, profile, signingKey, signingAlg, keyID, gatekeeperVersion string
	var policies policyDirs
	var configs configFlags
	cmd := &cobra.Command{
		Use:   "bundle --target opa|gatekeeper|conftest (--out DIR | --push oci://HOST/REPO:TAG)",
		Short: "Build the policies for OPA, Gatekeeper or Conftest",
		Long: `Build the rule library for another engine, from the same Rego:
  opa         an OPA bundle (prodready.tar.gz with .manifest), optionally signed
  gatekeeper  ConstraintTemplates, Constraints, the sync Config and gator suites,
              for Gatekeeper 3.19 and later (--gatekeeper-version 3.15 to 3.18
              for older ones: Rego v0 syntax, and before 3.17 rules that read
              other objects warn in audit too)
  conftest    a policy directory and a parameters data file

The bundle carries the configuration (.prodready.yaml, or --config) and the
--policy rules, so that its engine finds what prodready check finds with them:
only the enabled rules, with their configured severity (deny or warn) and
parameters, and the exemptions. --no-config builds the library as it ships.

The same options always give byte-identical files, and --push the same
digest: it pushes the bundle as an OCI artifact with the media types its
engine reads (conftest pull, OPA's oci service, oras pull for Gatekeeper's
manifests), with the credentials of the Docker configuration, and prints
its digest, which names that content for ever.`,
		Example: `  prodready bundle --target opa --out dist/opa --signing-key key.pem --key-id prodready
  prodready bundle --target conftest --push oci://ghcr.io/acme/prodready/conftest:1.1.0
  conftest pull oci://ghcr.io/acme/prodready/conftest:1.1.0`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" && push == "" {
				return fmt.Errorf("--out or --push is required")
			}
			if push != "" {
				if _, err := oci.ParseReference(push); err != nil {
					return fmt.Errorf("--push %w", err)
				}
			}
			if !slices.Contains(target.Names, name) {
				return fmt.Errorf("--target: unknown target %q (want opa, gatekeeper or conftest)", name)
			}
			if signingKey != "" && name != "opa" {
				return fmt.Errorf("--signing-key applies to --target opa only")
			}
			if gatekeeperVersion != "" && name != "gatekeeper" {
				return fmt.Errorf("--gatekeeper-version applies to --target gatekeeper only")
			}
			prof, err := parseProfile(profile)
			if err != nil {
				return err
			}
			set, cfg, err := library(policies, &configs)
			if err != nil {
				return err
			}
			opts, err := bundle.Options{Set: set, Profile: prof, Config: cfg}.Normalize()
			if err != nil {
				return err
			}
			var x target.Extras
			if signingKey != "" {
				key, err := os.ReadFile(signingKey)
				if err != nil {
					return fmt.Errorf("--signing-key: %w", err)
				}
				x.Signing = &opabundle.Signing{PrivateKey: key, Algorithm: signingAlg, KeyID: keyID}
			}
			x.GatekeeperVersion = gatekeeperVersion
			files, err := target.Build(name, opts, x)
			if err != nil {
				return err
			}
			with := ""
			if cfg != nil {
				with = ", configured by " + cfg.File
			}
			if out != "" {
				if err := files.Write(out); err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "wrote %d files of the %s bundle (%s profile%s) to %s\n", len(files), name, opts.Profile, with, out)
			}
			if push == "" {
				return nil
			}
			art, err := oci.Pack(name, files)
			if err != nil {
				return err
			}
			desc, err := oci.Push(cmd.Context(), push, art)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "pushed the %s bundle (%s profile%s) to %s\n", name, opts.Profile, with, push)
			fmt.Fprintln(cmd.OutOrStdout(), desc.Digest)
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "target", "", "opa, gatekeeper or conftest")
	cmd.Flags().StringVar(&out, "out", "", "directory to write the bundle to")
	cmd.Flags().StringVar(&push, "push", "", "push the bundle as an OCI artifact to oci://HOST/REPOSITORY:TAG (credentials from the Docker configuration) and print its digest")
	cmd.Flags().StringVar(&profile, "profile", "", profileHelp)
	cmd.Flags().StringVar(&signingKey, "signing-key", "", "PEM private key to sign the OPA bundle with (.signatures.json)")
	cmd.Flags().StringVar(&signingAlg, "signing-alg", "RS256", "signing algorithm")
	cmd.Flags().StringVar(&gatekeeperVersion, "gatekeeper-version", "", "the oldest Gatekeeper the bundle must work with, 3.15 to 3.18 (default: 3.19 and later)")
	cmd.Flags().StringVar(&keyID, "key-id", "", "key ID recorded in the signature (what opa run --verification-key-id names)")
	policies.register(cmd)
	configs.register(cmd)
	return cmd
}
