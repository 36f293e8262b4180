using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OAuth2Capture.PostgreSql.Migrations
{
    /// <summary>
    /// Every committed change of a connection that matters to another instance (new tokens, a verdict, a released lease,
    /// a new or deleted connection) notifies channel <c>oauth2capture_connections</c> with the connection id (no secret).
    /// A claim (the lease taken by a new owner; no clock involved) changes no token and stays silent. PostgreSQL delivers on commit, and only then.
    /// No model change: SQLite has no twin of this migration.
    /// </summary>
    internal partial class AddChangeNotifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION oauth2capture_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'DELETE' THEN
                        PERFORM pg_notify('oauth2capture_connections', OLD."Id"::text);
                        RETURN OLD;
                    END IF;
                    IF TG_OP = 'UPDATE' AND NEW."RefreshLeaseOwner" IS NOT NULL AND NEW."RefreshLeaseOwner" IS DISTINCT FROM OLD."RefreshLeaseOwner" THEN
                        RETURN NEW;
                    END IF;
                    PERFORM pg_notify('oauth2capture_connections', NEW."Id"::text);
                    RETURN NEW;
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER oauth2capture_tokens_notify_change
                    AFTER INSERT OR UPDATE OR DELETE ON oauth2capture_tokens
                    FOR EACH ROW EXECUTE FUNCTION oauth2capture_notify_change();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS oauth2capture_tokens_notify_change ON oauth2capture_tokens;");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS oauth2capture_notify_change();");
        }
    }
}
