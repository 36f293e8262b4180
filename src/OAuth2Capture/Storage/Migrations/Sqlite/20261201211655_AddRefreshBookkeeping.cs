using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OAuth2Capture.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class AddRefreshBookkeeping : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "ConsecutiveFailures",
                table: "oauth2capture_tokens",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "ExpiryNoticeSentFor",
                table: "oauth2capture_tokens",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "FailingSince",
                table: "oauth2capture_tokens",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ConsecutiveFailures",
                table: "oauth2capture_tokens");

            migrationBuilder.DropColumn(
                name: "ExpiryNoticeSentFor",
                table: "oauth2capture_tokens");

            migrationBuilder.DropColumn(
                name: "FailingSince",
                table: "oauth2capture_tokens");
        }
    }
}
