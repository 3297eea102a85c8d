"""Command line: ``python -m cli serve`` runs the service (``--local-neo4j DIR``: on a Neo4j
5 it starts and stops itself); ``python -m cli seed demo|city``
loads data; ``python -m cli token --role ROLE --id ID`` mints a bearer token (``--demo``: one for
each persona of the demo data, docs/ACCESS.md; ``--service``: a partner integration's) and records
it in the graph (never the token itself), ``token --list`` lists the live ones and
``token --revoke-id JTI`` / ``--revoke-subject ID`` revoke them; ``python -m cli export-graph``
writes the de-identified graph as GraphML or CSV (docs/ANALYSIS.md); ``python -m cli backup
FILE`` and ``python -m cli restore FILE`` save and load everything as versioned JSON Lines
(docs/BACKUP.md).

Before uvicorn starts, ``serve`` checks that the configured graph can be reached, so a wrong
``GRAPH_URI`` ends in one clear line naming it instead of a stack trace.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import socket
import sys
import time
from dataclasses import replace
from pathlib import Path

import uvicorn
from starlette.datastructures import Secret

from access.tokens import Issued, Kind, Role, TokenError, issue, revocation_kept_s
from api.ids import from_global_id
from config import ConfigError, Settings
from graph.access import identity
from graph.engine import local_neo4j
from graph.engine.connect import open_store
from graph.engine.errors import GraphError
from graph.engine.local_neo4j import LocalNeo4j
from graph.engine.store import GraphStore
from graph.engine.system import node_count
from graph.io import backup, erasures
from graph.queries import network
from graph.queries.network import NetNode
from intake import commands as intake_commands
from seeds import demo, generate
from seeds.personas import PERSONAS
from web import logs


async def _check_graph(settings: Settings) -> None:
    store = await open_store(settings, bootstrap=False)
    await store.close()


async def _seed(settings: Settings, args: argparse.Namespace) -> dict[str, int]:
    store = await open_store(settings)
    try:
        if args.reset:
            removed = await store.reset()
            print(f"cleared the graph ({removed:,} nodes)", file=sys.stderr)
        if args.dataset == "demo":
            counts = await demo.load(store, str(settings.id_hash_key))
            await store.compact()
            return counts
        spec = generate.CitySpec(
            residents=args.residents,
            volunteers=args.volunteers,
            needs=args.needs,
            organizations=args.organizations,
            records_per_volunteer=args.records_per_volunteer,
            seed=args.seed,
        )
        counts = dict(await generate.generate(store, spec, generate.stderr_progress()))
        await store.compact()
        return counts
    finally:
        await store.close()


def _token(settings: Settings, args: argparse.Namespace) -> int:
    """Mint (and record), list or revoke tokens."""
    try:
        if args.list or args.revoke_id or args.revoke_subject:
            if args.demo or args.role:
                print("error: mint (--role/--demo) or list/revoke, not both", file=sys.stderr)
                return 2
            asyncio.run(_manage_tokens(settings, args))
            return 0
        if args.demo:
            minted = [
                (persona, issue(settings, persona.role, persona.subject, ttl_s=args.ttl))
                for persona in PERSONAS
            ]
            asyncio.run(_record(settings, [issued for _, issued in minted]))
            for persona, issued in minted:
                print(f"# {persona.role.value} {persona.subject}: {persona.description}")
                print(f"export TOKEN_{persona.name.upper()}={issued.token}")
            return 0
        if args.role is None:
            print("error: give --role (and --id), --demo, --list or --revoke-*", file=sys.stderr)
            return 2
        kind = Kind.SERVICE if args.service else Kind.PERSON
        issued = issue(settings, Role(args.role), args.subject, kind=kind, ttl_s=args.ttl)
        asyncio.run(_record(settings, [issued]))
        print(f"# token id {issued.id}, valid until {issued.expires:%Y-%m-%d %H:%M} UTC",
              file=sys.stderr)  # fmt: skip
        print(issued.token)
    except TokenError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


async def _record(settings: Settings, minted: list[Issued]) -> None:
    """Note minted tokens in the graph so they can be listed and revoked; a token that cannot be
    recorded is not handed out."""
    store = await open_store(settings)
    try:
        await identity.record(
            store,
            [
                identity.IssuedToken(
                    t.id, t.role.value, t.subject, t.issued, t.expires, t.kind.value
                )
                for t in minted
            ],
        )
    finally:
        await store.close()


async def _manage_tokens(settings: Settings, args: argparse.Namespace) -> None:
    store = await open_store(settings)
    try:
        if args.revoke_id or args.revoke_subject:
            covered = await identity.revoke(
                store,
                token_id=args.revoke_id,
                subject=args.revoke_subject,
                by="cli",
                keep_s=revocation_kept_s(settings),
            )
            named = " and ".join(
                part
                for part in (
                    args.revoke_id and f"token {args.revoke_id}",
                    args.revoke_subject and f"every token of {args.revoke_subject} issued so far",
                )
                if part
            )
            print(
                f"revoked {named} ({covered} recorded live token(s)); API processes refuse it "
                "within a minute"
            )
        if args.list:
            tokens = await identity.issued(store)
            when = "%Y-%m-%d %H:%M"
            print(f"{'token id':<32}  {'role':<13}  {'subject':<24}  {'kind':<7}  "
                  f"{'issued (UTC)':<16}  {'expires (UTC)':<16}  state")  # fmt: skip
            for t in tokens:
                state = "revoked" if t.revoked else "live"
                print(f"{t.id:<32}  {t.role:<13}  {t.subject:<24}  {t.kind:<7}  "
                      f"{t.issued:{when}}  {t.expires:{when}}  {state}")  # fmt: skip
    finally:
        await store.close()


async def _root(store: GraphStore, global_id: str | None) -> NetNode | None:
    """The network node a ``--root`` global id names (None without one)."""
    if not global_id:
        return None
    label, key = from_global_id(global_id, expect=network.NETWORK_LABELS)
    found = await network.nodes(store, [(label, key)])
    if not found:
        raise GraphError(f"There is no {label.lower()} with id {key}.")
    return found[0]


async def _backup(settings: Settings, args: argparse.Namespace) -> str:
    store = await open_store(settings)
    try:
        root = await _root(store, args.root)
        counts = await backup.save(store, args.file, root=root, depth=args.depth, limit=args.limit)
    finally:
        await store.close()
    return f"saved {counts.nodes:,} nodes and {counts.relationships:,} relationships to {args.file}"


async def _restore(settings: Settings, args: argparse.Namespace) -> str:
    backup.check(args.file)  # before the graph is touched: a bad file changes nothing
    store = await open_store(settings)
    try:
        present = await node_count(store)
        if present and not (args.reset or args.merge):
            raise GraphError(
                f"The graph already holds {present:,} nodes; add --reset to replace them with "
                "the backup, or --merge to add the backup to them."
            )
        # Who was erased stays erased: the ledger of the graph being replaced, and of any newer
        # backup named with --erasures, is applied to what the file brings back.
        erased = await erasures.erased_ids(store) if present else []
        for newer in args.erasures:
            erased += backup.ledger_of(newer)
        if args.reset:
            await store.reset()
        counts = await backup.restore(store, args.file, erased=erased)
        await store.compact()
    finally:
        await store.close()
    return f"restored {counts.nodes:,} nodes and {counts.relationships:,} relationships"


async def _export(settings: Settings, args: argparse.Namespace) -> dict[str, int]:
    """Write the de-identified graph (or a subgraph) to ``args.out`` as GraphML or CSV."""
    from web import exports  # noqa: PLC0415 - see _serve

    store = await open_store(settings)
    try:
        root = await _root(store, args.root)
        if root is not None:
            data = await exports.around(store, root, depth=args.depth, limit=args.limit)
        else:
            data = await exports.whole(store)
    finally:
        await store.close()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, content in exports.files(data, args.format):
        (args.out / name).write_bytes(content)
        print(f"wrote {args.out / name}", file=sys.stderr)
    return {"nodes": len(data.nodes), "edges": len(data.edges)}


def _count(text: str) -> int:
    value = int(text.replace("_", "").replace(",", ""))
    if value < 0:
        raise argparse.ArgumentTypeError("must be zero or more")
    return value


def _subgraph_arguments(parser: argparse.ArgumentParser, verb: str) -> None:
    parser.add_argument("--root", help=f"a global id: {verb} only around this entity")
    parser.add_argument("--depth", type=int, default=2, help="with --root: hops (1-4)")
    parser.add_argument("--limit", type=int, default=500, help="with --root: nodes (1-500)")


def _check_port(settings: Settings) -> None:
    """Refuse a port another process listens on, naming the setting that changes it: asked before
    the graph starts, so a second `make run` says what to do instead of uvicorn's bare errno."""
    host, port = settings.host, settings.port
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                return  # anything else: uvicorn's own error says it
            raise ConfigError(
                f"{host}:{port} is in use (is the service already running?); set PORT to "
                f"another port, e.g. PORT={port + 1} make run"
            ) from None


def _serve(settings: Settings) -> None:
    if settings.graph_uri != "embedded":
        asyncio.run(_check_graph(settings))
    # Imported here, not at the top, for start-up speed only (no import circle: nothing imports
    # cli): the app, the GraphQL schema and the exporters (web.exports) add a second to every
    # command, `token` and `seed` included, that does not use them.
    from app import create_app  # noqa: PLC0415

    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        lifespan="on",
        timeout_graceful_shutdown=10,
    )


def _serve_on_local_neo4j(settings: Settings, home: Path, port: int) -> int:
    """Neo4j without installing it: the launcher's server, started here and stopped with us."""
    server = LocalNeo4j(home, port=port)
    print(f"starting Neo4j 5 (data in {home}) ...", flush=True)
    try:
        server.start()
        print(
            f"Neo4j answers at {server.uri} as {local_neo4j.USER} "
            f"(password in {home / 'password'})",
            flush=True,
        )
        _serve(
            replace(
                settings,
                graph_uri=server.uri,
                neo4j_user=local_neo4j.USER,
                neo4j_password=Secret(server.password),
                neo4j_database=local_neo4j.DATABASE,
            )
        )
    finally:
        server.stop()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cli", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the API with uvicorn (settings from the environment)")
    serve.add_argument(
        "--local-neo4j",
        type=Path,
        metavar="DIR",
        help="start a local Neo4j 5 (tools/neo4j-server) with its data in DIR and serve from it; "
        "it stops with the service (`make run-neo4j`: data/neo4j)",
    )
    serve.add_argument(
        "--neo4j-port", type=int, default=7687, help="with --local-neo4j: its Bolt port"
    )
    seed = sub.add_parser(
        "seed",
        help="load seed data into the configured graph (idempotent: MERGE on ids)",
        description="`demo`: the data set drawn from the field reports. `city`: a generated "
        "city of any size, deterministic for a --seed.",
    )
    seed.add_argument("dataset", choices=["demo", "city"], help="which data set to load")
    seed.add_argument("--reset", action="store_true", help="empty the graph first")
    seed.add_argument("--residents", type=_count, default=10_000, help="city: residents")
    seed.add_argument("--volunteers", type=_count, default=1_000, help="city: volunteers")
    seed.add_argument("--needs", type=_count, default=2_000, help="city: needs")
    seed.add_argument(
        "--organizations", type=_count, default=None, help="city: organizations (default 1/200)"
    )
    seed.add_argument(
        "--records-per-volunteer", type=float, default=3.0, help="city: service records each"
    )
    seed.add_argument("--seed", type=int, default=1, help="city: random seed")
    token = sub.add_parser(
        "token",
        help="mint a signed bearer token (AUTH_SECRET or AUTH_PRIVATE_KEY_FILE from the env), "
        "list the minted ones, or revoke them",
        description="Minted tokens are recorded in the graph (id, role, subject, lifetime; never "
        "the token) so that --list shows them; records and revocations are pruned once no "
        "token they concern can be valid.",
    )
    token.add_argument("--role", choices=[r.value for r in Role if r is not Role.ANONYMOUS])
    token.add_argument("--id", dest="subject", help="the subject's graph id (or account name)")
    token.add_argument(
        "--service",
        action="store_true",
        help="a partner integration's token (lifetime SERVICE_TOKEN_TTL_S, default 30 days)",
    )
    token.add_argument("--ttl", type=int, default=None, help="lifetime in seconds")
    token.add_argument(
        "--demo", action="store_true", help="print a token for each persona of the demo data"
    )
    token.add_argument("--list", action="store_true", help="list the recorded unexpired tokens")
    token.add_argument("--revoke-id", metavar="JTI", help="revoke the token with this id")
    token.add_argument(
        "--revoke-subject", metavar="ID", help="revoke every token of this subject issued so far"
    )
    export = sub.add_parser(
        "export-graph",
        help="write the de-identified graph (or a subgraph) as GraphML or CSV node/edge lists",
    )
    export.add_argument("--format", choices=["graphml", "csv"], default="graphml")
    export.add_argument("--out", type=Path, default=Path("export"), help="output directory")
    _subgraph_arguments(export, "export")
    save = sub.add_parser(
        "backup",
        aliases=["export"],
        help="save the whole graph (or a subgraph), personal data included, as JSON Lines",
        description="A versioned JSON Lines file (FILE.gz: compressed), readable by its owner "
        "only. `restore` loads it into any backend (docs/BACKUP.md).",
    )
    save.add_argument("file", type=Path, help="where to write (e.g. backup.jsonl.gz)")
    _subgraph_arguments(save, "save")
    load = sub.add_parser(
        "restore",
        aliases=["import"],
        help="load a backup into the configured graph (checked whole before anything is written)",
    )
    load.add_argument("file", type=Path, help="a file written by `backup`")
    mode = load.add_mutually_exclusive_group()
    mode.add_argument("--reset", action="store_true", help="empty the graph first")
    mode.add_argument("--merge", action="store_true", help="add to a graph that is not empty")
    load.add_argument(
        "--erasures",
        type=Path,
        action="append",
        default=[],
        metavar="NEWER_BACKUP",
        help="keep erased the residents a newer backup's erasure ledger names (restoring an "
        "older backup into another graph); the graph's own ledger is always kept",
    )
    intake_commands.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0912 - a branch per subcommand
    # `import FAMILY FILE` is a spreadsheet import; `import FILE` still restores a backup.
    args = _parser().parse_args(intake_commands.route(sys.argv[1:] if argv is None else argv))

    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level, settings.log_format)

    try:
        if args.command == "serve":
            _check_port(settings)
            if args.local_neo4j:
                return _serve_on_local_neo4j(settings, args.local_neo4j, args.neo4j_port)
            _serve(settings)
        elif args.command == "token":
            return _token(settings, args)  # graph errors: below
        elif args.command in intake_commands.COMMANDS:
            return intake_commands.main(settings, args)
        elif args.command == "seed":
            started = time.perf_counter()
            counts = asyncio.run(_seed(settings, args))
            elapsed = time.perf_counter() - started
            nodes = sum(v for k, v in counts.items() if k[:1].isupper() and not k.isupper())
            print(f"{args.dataset} loaded in {elapsed:.1f} s: {nodes:,} nodes")
            for name, value in sorted(counts.items()):
                print(f"  {name:<16} {value:>12,}")
        elif args.command in {"backup", "export"}:
            if not 1 <= args.depth <= 4 or not 1 <= args.limit <= 500:
                print("error: --depth must be 1-4 and --limit 1-500", file=sys.stderr)
                return 2
            print(asyncio.run(_backup(settings, args)))
        elif args.command in {"restore", "import"}:
            print(asyncio.run(_restore(settings, args)))
        elif args.command == "export-graph":
            if not 1 <= args.depth <= 4 or not 1 <= args.limit <= 500:
                print("error: --depth must be 1-4 and --limit 1-500", file=sys.stderr)
                return 2
            written = asyncio.run(_export(settings, args))
            print(f"exported {written['nodes']:,} nodes and {written['edges']:,} edges")
    except (GraphError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
