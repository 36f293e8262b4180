using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OAuth2Capture.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class AddRefreshLease : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "RefreshLeaseExpiresAt",
                table: "oauth2capture_tokens",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RefreshLeaseOwner",
                table: "oauth2capture_tokens",
                type: "TEXT",
                maxLength: 100,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RefreshLeaseExpiresAt",
                table: "oauth2capture_tokens");

            migrationBuilder.DropColumn(
                name: "RefreshLeaseOwner",
                table: "oauth2capture_tokens");
        }
    }
}
